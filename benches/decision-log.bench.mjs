// node benches/decision-log.bench.mjs <bundle-dir-with-log> <bundle-dir-without-log>
//
// What the decision log line adds to a body-hash invocation: two builds of the bundle (e.g. this
// branch's and main's, copied aside before rebuilding) in one process, alternating blocks
// (measure.mjs). The bundle's line goes to a synchronous write on /dev/null
// (quiet-decision-log.mjs), so its construction, the JS string and a real write(2) are paid.
import './quiet-decision-log.mjs';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, measure, quantile } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [withLog, withoutLog] = process.argv.slice(2).map((d) => resolve(d));

const load = async (dir) => (await import(pathToFileURL(join(dir, 'index.mjs')).href)).handler;
const handlers = { with: await load(withLog), without: await load(withoutLog) };
const sample = JSON.parse(readFileSync(join(here, '../fixtures/cloudfront/origin-request-post-json.json'), 'utf8'));

console.log(`node ${process.version}, ${process.platform}-${process.arch}`);
console.log('\n| body | with the log line median / p99 (µs) | without median / p99 (µs) | added (median, µs) |');
console.log('| --- | --- | --- | --- |');
for (const [label, size, iterations] of [['0 B', 0, 40000], ['1 KiB', 1024, 40000], ['64 KiB', 65536, 4000]]) {
  const event = structuredClone(sample);
  event.Records[0].cf.request.body = { action: 'read-only', encoding: 'base64', inputTruncated: false, data: Buffer.alloc(size, 7).toString('base64') };
  const s = await measure({ with: () => handlers.with(event), without: () => handlers.without(event) }, iterations);
  const m = (k) => quantile(s[k], 0.5);
  console.log(`| ${label} | ${fmt(m('with'))} / ${fmt(quantile(s.with, 0.99))} | ${fmt(m('without'))} / ${fmt(quantile(s.without, 0.99))} | ${(m('with') - m('without')).toFixed(2)} |`);
}
