// node benches/ip-filter-cloudfront-function.bench.mjs [edge-dir] [baseline-edge-dir]   (or: cargo xtask bench)
//
// In one Node.js process, alternating: the address-only CloudFront Function
// (ip-filter.cloudfront.js) against the KVS-mode one (ip-filter-kvs.cloudfront.js), per request,
// both loaded by oac-dev's loader; the KVS-mode one reads its two keys (ranges:0,
// origin-secrets) per request from the KeyValueStore stand-in, filled with the Rust encoder's
// values (ip-filter-kvs.cases.json). Node.js is not CloudFront's runtime: the ratio is the
// point, not the microseconds. With baseline-edge-dir (the two functions of another build, e.g.
// before a change), those run too, alternating with the others on the same store and events, so
// before and after are measured in one run.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyValueStore, loadCloudFrontFunction } from '../tools/oac-dev/js/cloudfront-function.mjs';
import { rangesItems } from '../functions/ip-filter-edge/test/getkey-server.mjs';
import { fmt, measure, quantile } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const edge = resolve(process.argv[2] ?? join(here, '../target/edge'));
const read = (name) => readFileSync(join(edge, name), 'utf8');
const cases = JSON.parse(read('ip-filter-kvs.cases.json'));
const store = keyValueStore();
store.set({
  ...cases.ranges.find((c) => c.name === 'the compiled list').items,
  'origin-secrets': cases.secretValues.find((c) => c.name === 'secrets a and b').value,
});
/** The address-only and the KVS-mode handler of the build in `dir`. */
const handlers = (dir) => {
  const file = (name) => readFileSync(join(dir, name), 'utf8');
  return {
    addressOnly: loadCloudFrontFunction(file('ip-filter.cloudfront.js'), 'ip-filter.cloudfront.js').handler,
    kvs: loadCloudFrontFunction(file('ip-filter-kvs.cloudfront.js'), 'ip-filter-kvs.cloudfront.js', store).handler,
  };
};
const { addressOnly, kvs: kvsMode } = handlers(edge);
const baselineDir = process.argv[3] && resolve(process.argv[3]);
const baseline = baselineDir && handlers(baselineDir);

/** A fresh viewer-request event (the KVS-mode function deletes the secret header from it). */
const event = (ip, secret) => ({
  version: '1.0',
  context: { distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'r1' },
  viewer: { ip },
  request: {
    method: 'GET',
    uri: '/v1/items',
    querystring: {},
    headers: {
      host: { value: 'api.example.com' },
      accept: { value: 'application/json' },
      ...(secret ? { [cases.header]: { value: secret } } : {}),
    },
    cookies: {},
  },
});

const rows = [
  ['Cloudflare IPv4, right secret (passes)', '173.245.48.10', cases.secrets.b],
  ['Cloudflare IPv6, right secret (passes)', '2606:4700::6810:84e5', cases.secrets.b],
  ['Cloudflare IPv4, no secret (403 in KVS mode)', '173.245.48.10', undefined],
  ['outside Cloudflare (403)', '203.0.113.9', cases.secrets.b],
];
const names = ['ip-filter.cloudfront.js', 'ip-filter-kvs.cloudfront.js'];
const sizes = names.map((f) => `${f} ${Buffer.byteLength(read(f))} bytes`);
if (baseline) sizes.push(`baseline (${baselineDir}) ${names.map((f) => Buffer.byteLength(readFileSync(join(baselineDir, f)))).join(' / ')} bytes`);
console.log(`node ${process.version}, ${process.platform}-${process.arch}; ${sizes.join(', ')} (limit 10240)`);
const columns = ['address only', ...(baseline ? ['address only, baseline', 'KVS mode, baseline'] : []), 'KVS mode (2 KVS reads, SHA-256 ×2)'];
console.log(`\n| viewer | ${columns.map((c) => `${c} median / p99 (µs)`).join(' | ')} | ratio (median) |`);
console.log(`| --- |${' --- |'.repeat(columns.length + 1)}`);
for (const [label, ip, secret] of rows) {
  const s = await measure({
    addressOnly: () => addressOnly(event(ip, secret)),
    ...(baseline ? {
      addressOnlyBaseline: () => baseline.addressOnly(event(ip, secret)),
      kvsBaseline: () => baseline.kvs(event(ip, secret)),
    } : {}),
    kvs: () => kvsMode(event(ip, secret)),
  }, 20000);
  const m = (k) => quantile(s[k], 0.5);
  const cells = Object.keys(s).map((k) => `${fmt(m(k))} / ${fmt(quantile(s[k], 0.99))}`);
  console.log(`| ${label} | ${cells.join(' | ')} | ${(m('kvs') / m('addressOnly')).toFixed(2)}× |`);
}

// Per-request cost of the KVS-mode function by the size of the stored list: today's 22 ranges,
// then the same plus /24s of 5.0.0.0/8 (ordinary unicast), written with the layout's definition
// (getkey-server.mjs) in parts of at most 1,024 bytes. The function reads and checks every CIDR
// on every request; a list over its MAX_RANGES is refused after the split and the compiled ranges
// are used instead ("stored list used" says which happened). With baseline-edge-dir, its
// KVS-mode function reads the same stores, alternating.
const sizedStore = keyValueStore();
const sizedFrom = (dir) => loadCloudFrontFunction(readFileSync(join(dir, 'ip-filter-kvs.cloudfront.js'), 'utf8'), 'ip-filter-kvs.cloudfront.js', sizedStore).handler;
const sized = sizedFrom(edge);
const sizedBaseline = baselineDir && sizedFrom(baselineDir);
const today = cases.ranges.find((c) => c.name === 'the compiled list').rust.cidrs;
const filler = (i) => `5.${i >> 8}.${i & 255}.0/24`;
const passes = async (run, ip) => (await run(event(ip, cases.secrets.b))).statusCode === undefined;
const sizeColumns = ['KVS mode', ...(baseline ? ['KVS mode, baseline'] : [])];
console.log(`\n| stored CIDRs | KVS values | stored list used | ${sizeColumns.map((c) => `${c}: Cloudflare IPv4, right secret, median / p99 (µs)`).join(' | ')} |`);
console.log(`| --- | --- | --- |${' --- |'.repeat(sizeColumns.length)}`);
for (const count of [22, 64, 128, 256, 512, 1024]) {
  const cidrs = [...today, ...Array.from({ length: count - today.length }, (_, i) => filler(i))];
  const items = rangesItems(cidrs, Math.ceil((cidrs.join(',').length + 100) / 1024));
  sizedStore.set({ ...items, 'origin-secrets': cases.secretValues.find((c) => c.name === 'secrets a and b').value });
  const used = count === today.length || await passes(sized, '5.0.0.9');
  const s = await measure({
    kvs: () => sized(event('173.245.48.10', cases.secrets.b)),
    ...(baseline ? { kvsBaseline: () => sizedBaseline(event('173.245.48.10', cases.secrets.b)) } : {}),
  }, 5000);
  const cells = Object.keys(s).map((k) => `${fmt(quantile(s[k], 0.5))} / ${fmt(quantile(s[k], 0.99))}`);
  console.log(`| ${count} | ${Object.keys(items).length} | ${used ? 'yes' : 'no (over MAX_RANGES: the compiled ranges)'} | ${cells.join(' | ')} |`);
}
