// node benches/body-hash.bench.mjs <bundle-dir>   (or: cargo xtask bench)
//
// In one Node.js process: oac-kit's body-hash edge bundle vs a plain Node.js handler
// (Buffer.from(data, 'base64') + crypto.createHash('sha256')), per invocation, on bodies of
// 0 B, 1 KiB, 64 KiB and 1 MiB; SHA-256 alone on the decoded bytes (this process's hashing limit);
// and the cold load (fresh process: import index.mjs) of each bundle.
import './quiet-decision-log.mjs';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, measure, quantile } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ours = resolve(process.argv[2] ?? join(here, '../target/edge/body-hash'));
const plain = join(here, 'plain-node-body-hash');
const sample = JSON.parse(readFileSync(join(here, '../fixtures/cloudfront/origin-request-post-json.json'), 'utf8'));
const load = async (dir) => (await import(pathToFileURL(join(dir, 'index.mjs')).href)).handler;
const handlers = { 'oac-kit bundle': await load(ours), 'plain Node.js': await load(plain) };

function eventWith(bytes) {
  const e = structuredClone(sample);
  e.Records[0].cf.request.body = { action: 'read-only', data: bytes.toString('base64'), encoding: 'base64', inputTruncated: false };
  return e;
}

console.log(`node ${process.version}, ${process.platform}-${process.arch}`);
console.log('\n| body | oac-kit bundle median / p99 (µs) | plain Node.js median / p99 (µs) | ratio (median) | SHA-256 alone median (µs) |');
console.log('| --- | --- | --- | --- | --- |');
for (const [label, size, iterations] of [['0 B', 0, 20000], ['1 KiB', 1024, 20000], ['64 KiB', 65536, 4000], ['1 MiB', 1 << 20, 600]]) {
  const bytes = randomBytes(size);
  const event = eventWith(bytes);
  const expected = createHash('sha256').update(bytes).digest('hex');
  for (const [name, h] of Object.entries(handlers)) {
    const got = (await h(structuredClone(event))).headers['x-amz-content-sha256'][0].value;
    if (got !== expected) throw new Error(`${name} hashed ${label} wrong`);
  }
  const s = await measure({
    ours: () => handlers['oac-kit bundle'](event),
    plain: () => handlers['plain Node.js'](event),
    sha: () => createHash('sha256').update(bytes).digest('hex'),
  }, iterations);
  const m = (k) => quantile(s[k], 0.5);
  console.log(`| ${label} | ${fmt(m('ours'))} / ${fmt(quantile(s.ours, 0.99))} | ${fmt(m('plain'))} / ${fmt(quantile(s.plain, 0.99))} | ${(m('ours') / m('plain')).toFixed(2)}× | ${fmt(m('sha'))} |`);
}

// Cold load: a fresh process importing each bundle's index.mjs (dlopen of the addon included).
const coldScript = (dir) => `const t=process.hrtime.bigint();await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
console.log('\n| bundle | cold load median / max (ms), 15 fresh processes |');
console.log('| --- | --- |');
for (const [name, dir] of [['oac-kit bundle', ours], ['plain Node.js', plain]]) {
  const runs = Array.from({ length: 15 }, () => Number(execFileSync(process.execPath, ['--input-type=module', '-e', coldScript(dir)]).toString())).sort((a, b) => a - b);
  console.log(`| ${name} | ${runs[7].toFixed(2)} / ${runs[14].toFixed(2)} |`);
}
