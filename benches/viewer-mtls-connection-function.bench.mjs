// node benches/viewer-mtls-connection-function.bench.mjs [edge-dir]   (or: cargo xtask bench)
//
// The viewer-mTLS Connection Function (viewer-mtls.connection.js), loaded by oac-dev's loader, per
// connection: the serial normalised, then one exists() on the KeyValueStore stand-in (1,000
// listed serials), then allow() or deny(). Node.js is not CloudFront's runtime and the stand-in
// is in memory: the microseconds show the function's own work is far from the 5 ms the
// writing guide states, nothing more.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyValueStore } from '../tools/oac-dev/js/cloudfront-function.mjs';
import { loadConnectionFunction, runConnection } from '../tools/oac-dev/js/connection-function.mjs';
import { fmt, measure, quantile } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const edge = resolve(process.argv[2] ?? join(here, '../target/edge'));
const code = readFileSync(join(edge, 'viewer-mtls.connection.js'), 'utf8');
const { prefix, cases } = JSON.parse(readFileSync(join(edge, 'viewer-mtls.serial-cases.json'), 'utf8'));
const issued = cases.find((c) => c.name === 'an issued serial, canonical').canonical;
const store = keyValueStore();
const listed = Array.from({ length: 999 }, (_, i) => `${prefix}${(i + 1).toString(16).padStart(32, '7')}`);
store.set(Object.fromEntries([...listed, `${prefix}${issued}`].map((k) => [k, '{}'])));
const { connectionHandler } = loadConnectionFunction(code, 'viewer-mtls.connection.js', store);

const rows = [
  ['listed, canonical (allow)', issued],
  ['listed, colon pairs, upper case (allow)', issued.toUpperCase().match(/..?/g).join(':')],
  ['not listed (deny)', '1234567890abcdef1234567890abcdef'],
  ['refused before the store: 0x prefix (deny)', `0x${issued}`],
];
console.log(`node ${process.version}, ${process.platform}-${process.arch}; viewer-mtls.connection.js ${Buffer.byteLength(code)} bytes`);
console.log('\n| presented serial | median / p99 (µs) |');
console.log('| --- | --- |');
for (const [label, serialNumber] of rows) {
  const s = await measure({ run: () => runConnection(connectionHandler, { serialNumber }) }, 20000);
  console.log(`| ${label} | ${fmt(quantile(s.run, 0.5))} / ${fmt(quantile(s.run, 0.99))} |`);
}
