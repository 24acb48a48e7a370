// node benches/ip-filter-kvs.bench.mjs <bundle-dir> [<baseline-bundle-dir>]   (or: cargo xtask bench)
//
// In one Node.js process, per invocation: the ip-filter edge bundle as built today (address only)
// vs the same bundle in KVS mode (address + origin secret) when its data is fresh (no fetch) and
// when every request finds it stale and refreshes it first (two signed GetKey calls to a loopback
// stand-in: the cost of a refresh without the network). "today" is <baseline-bundle-dir> (e.g. a
// copy of the bundle built before a change; default: <bundle-dir>) with its own config.json. The clock each contender sees is set
// before its call, so the "fresh" one never refreshes and the "refreshing" one always does.
import './quiet-decision-log.mjs';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rangesItems, secretsValue, startGetKeyServer } from '../functions/ip-filter-edge/test/getkey-server.mjs';
import { fmt, measure, quantile } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = resolve(process.argv[2] ?? join(here, '../target/edge/ip-filter'));
const baseline = resolve(process.argv[3] ?? bundle);
const sample = JSON.parse(readFileSync(join(here, '../fixtures/cloudfront/viewer-request-cloudflare-v4.json'), 'utf8'));
const ARN = 'arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978';
const SECRET = 'k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa';

const server = await startGetKeyServer(ARN);
const snapshot = JSON.parse(readFileSync(join(here, '../shared/cloudflare-ranges/ranges.json'), 'utf8'));
// Today's whole list, as the range sync writes it: one value for the ranges, one for the secrets.
server.store.items = { ...rangesItems([...snapshot.ipv4_cidrs, ...snapshot.ipv6_cidrs]), 'origin-secrets': secretsValue(SECRET) };
Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'token' });

let now = Date.UTC(2026, 0, 1);
Date.now = () => now;
let copies = 0;
async function kvsBundle() {
  const dir = mkdtempSync(join(tmpdir(), 'ip-filter-kvs-bench-'));
  for (const file of ['index.mjs', 'addon.node']) copyFileSync(join(bundle, file), join(dir, file));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ extraCidrs: [], kvsArn: ARN, refreshSeconds: 60, kvsEndpoint: server.endpoint }));
  return (await import(`${pathToFileURL(join(dir, 'index.mjs')).href}?copy=${++copies}`)).handler;
}
const today = (await import(pathToFileURL(join(baseline, 'index.mjs')).href)).handler;
const fresh = await kvsBundle();
const refreshing = await kvsBundle();

const event = structuredClone(sample);
const headers = event.Records[0].cf.request.headers;
const secretHeader = [{ key: 'X-Origin-Secret', value: SECRET }];
const fixedNow = now;
let refreshNow = now;
const contenders = {
  today: () => today(event),
  fresh: () => { now = fixedNow; headers['x-origin-secret'] = secretHeader; return fresh(event); },
  refreshing: () => { refreshNow += 61_000; now = refreshNow; headers['x-origin-secret'] = secretHeader; return refreshing(event); },
};
for (const [name, run] of Object.entries(contenders)) {
  const out = await run();
  if (out.status !== undefined) throw new Error(`${name} refused the sample: ${out.body}`);
}
const before = server.store.requests.length;
const iterations = 3000;
const s = await measure(contenders, iterations);
const fetches = server.store.requests.length - before;

console.log(`node ${process.version}, ${process.platform}-${process.arch}; GetKey calls during the run: ${fetches}`);
console.log('\n| ip-filter bundle | median / p99 (µs) | median vs today |');
console.log('| --- | --- | --- |');
const m = (k) => quantile(s[k], 0.5);
for (const [k, label] of [['today', 'today (address only)'], ['fresh', 'KVS mode, data fresh (no fetch)'], ['refreshing', 'KVS mode, refreshing (2 loopback GetKey)']]) {
  console.log(`| ${label} | ${fmt(m(k))} / ${fmt(quantile(s[k], 0.99))} | ${(m(k) / m('today')).toFixed(2)}× |`);
}
await server.close();
