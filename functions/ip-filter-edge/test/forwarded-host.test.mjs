// x-forwarded-host on a passing request: every viewer filter (the Lambda@Edge bundle and the
// generated CloudFront Function, each address only and KVS mode) held to one table of cases — the
// viewer's Host copied as CloudFront gives it, whatever x-forwarded-host the viewer sent replaced
// (never merged), none without one Host, and a refused request left as it came. The rule's Rust
// home: ip_filter_core::forwarded_host. Needs `cargo xtask edge` and `cargo xtask cloudfront-function`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { keyValueStore, loadCloudFrontFunction } from '../../../tools/oac-dev/js/cloudfront-function.mjs';
import { secretsValue, startGetKeyServer } from './getkey-server.mjs';
import { ARN, CURRENT, bundle, kvsBundle, setCredentials } from './kvs-bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const edgeDir = process.env.OAC_KIT_EDGE_DIR ?? join(resolve(here, '../../..'), 'target/edge');
const CLOUDFLARE = '104.16.0.1';
const DIRECT = '203.0.113.9';
const SECRET_HEADER = 'x-origin-secret';

/**
 * The cases: the viewer's Host entries and x-forwarded-host entries ([key, value], as a viewer may
 * spell them), and the one value the origin must see (undefined: no x-forwarded-host at all).
 */
const CASES = [
  { name: 'the Host is copied', host: ['api.example.com'], sent: [], want: 'api.example.com' },
  { name: 'one forged entry is replaced', host: ['api.example.com'], sent: [['X-Forwarded-Host', 'evil.example']], want: 'api.example.com' },
  {
    name: 'many forged entries, any case, are replaced, not merged',
    host: ['api.example.com'],
    sent: [['x-forwarded-host', 'evil.example'], ['X-FORWARDED-HOST', 'api.example.com, evil.example'], ['X-Forwarded-Host', 'api.example.com']],
    want: 'api.example.com',
  },
  { name: 'a Host with a port and uppercase is copied as given', host: ['API.Example.COM:8443'], sent: [], want: 'API.Example.COM:8443' },
  { name: 'an IPv6 literal Host is copied as given', host: ['[2001:db8::1]:443'], sent: [['X-Forwarded-Host', 'evil.example']], want: '[2001:db8::1]:443' },
  { name: 'no Host: a forged value is removed, none set', host: [], sent: [['X-Forwarded-Host', 'evil.example']], want: undefined },
  { name: 'an empty Host: none set', host: [''], sent: [['X-Forwarded-Host', 'evil.example']], want: undefined },
  { name: 'a repeated Host: a forged value is removed, none set', host: ['a.example', 'b.example'], sent: [['X-Forwarded-Host', 'evil.example']], want: undefined },
];

/** Lambda@Edge's shape: lowercase name → [{key, value}]. */
function edgeEvent(clientIp, c, secret) {
  const headers = { accept: [{ key: 'Accept', value: '*/*' }] };
  if (c.host.length) headers.host = c.host.map((value) => ({ key: 'Host', value }));
  if (c.sent.length) headers['x-forwarded-host'] = c.sent.map(([key, value]) => ({ key, value }));
  if (secret) headers[SECRET_HEADER] = [{ key: 'X-Origin-Secret', value: secret }];
  const request = { clientIp, headers, method: 'GET', querystring: '', uri: '/v1/whoami' };
  return { Records: [{ cf: { config: { eventType: 'viewer-request', requestId: 'r1' }, request } }] };
}

/** CloudFront Functions' shape: lowercase name → {value, multiValue when repeated}. */
function cfHeader(values) {
  const h = { value: values[0] };
  if (values.length > 1) h.multiValue = values.map((value) => ({ value }));
  return h;
}
function cfEvent(ip, c, secret) {
  const headers = { accept: { value: '*/*' } };
  if (c.host.length) headers.host = cfHeader(c.host);
  if (c.sent.length) headers['x-forwarded-host'] = cfHeader(c.sent.map(([, v]) => v));
  if (secret) headers[SECRET_HEADER] = { value: secret };
  const request = { method: 'GET', uri: '/v1/whoami', querystring: {}, headers, cookies: {} };
  return { version: '1.0', context: { eventType: 'viewer-request', requestId: 'r1' }, viewer: { ip }, request };
}

/**
 * Each variant: how to build its event and reach its request, how it spells the expected header,
 * and the handler (set up in `before`).
 */
const lambdaEdge = {
  event: edgeEvent,
  request: (e) => e.Records[0].cf.request,
  expected: (want) => (want === undefined ? undefined : [{ key: 'X-Forwarded-Host', value: want }]),
  refused: (out) => out.status === '403',
};
const cloudFrontFunction = {
  event: cfEvent,
  request: (e) => e.request,
  expected: (want) => (want === undefined ? undefined : { value: want }),
  refused: (out) => out.statusCode === 403,
};
const variants = [
  { name: 'Lambda@Edge bundle, address only', ...lambdaEdge, secret: undefined },
  { name: 'Lambda@Edge bundle, KVS mode', ...lambdaEdge, secret: CURRENT },
  { name: 'CloudFront Function, address only', ...cloudFrontFunction, secret: undefined },
  { name: 'CloudFront Function, KVS mode', ...cloudFrontFunction, secret: CURRENT },
];

let closeServer;
before(async () => {
  variants[0].handler = (await import(pathToFileURL(join(bundle, 'index.mjs')).href)).handler;
  const server = await startGetKeyServer(ARN);
  closeServer = server.close;
  server.store.items = { 'origin-secrets': secretsValue(CURRENT) };
  setCredentials();
  variants[1].handler = await kvsBundle(server.endpoint);
  const load = (file, store) => loadCloudFrontFunction(readFileSync(join(edgeDir, file), 'utf8'), file, store).handler;
  variants[2].handler = load('ip-filter.cloudfront.js');
  const store = keyValueStore();
  store.set({ 'origin-secrets': secretsValue(CURRENT) }, []);
  variants[3].handler = load('ip-filter-kvs.cloudfront.js', store);
});
after(() => closeServer());

/** `v` as plain JSON data (the CloudFront Function's objects come from another realm). */
const plain = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** The request's headers but x-forwarded-host (and the secret header, which KVS mode removes). */
function others(headers) {
  const { 'x-forwarded-host': _x, [SECRET_HEADER]: _s, ...rest } = headers;
  return plain(rest);
}

for (const v of variants) {
  describe(`x-forwarded-host: ${v.name}`, () => {
    for (const c of CASES) {
      it(c.name, async () => {
        const input = v.event(CLOUDFLARE, c, v.secret);
        const before = others(v.request(input).headers);
        const out = await v.handler(input);
        assert.equal(out, v.request(input), 'the request goes on');
        assert.deepEqual(plain(out.headers['x-forwarded-host']), v.expected(c.want));
        assert.deepEqual(others(out.headers), before, 'no other header changes');
        assert.equal(out.headers[SECRET_HEADER], undefined);
      });
    }

    it('a refused request is left exactly as it came (forged x-forwarded-host included)', async () => {
      const input = v.event(DIRECT, CASES[2], v.secret);
      const pristine = plain(v.request(input));
      const out = await v.handler(input);
      assert.ok(v.refused(out), 'refused');
      assert.deepEqual(plain(v.request(input)), pristine);
    });
  });
}
