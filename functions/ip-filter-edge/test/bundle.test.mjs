// Runs the built ip-filter edge bundle (target/edge/ip-filter, from `cargo xtask edge`) exactly as
// Lambda@Edge would: import index.mjs, call handler(event). Expected verdicts are hand-listed
// here, not computed by the code under test.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'ip-filter');
const fixtures = join(repo, 'fixtures/cloudfront');
const { handler } = await import(pathToFileURL(join(bundle, 'index.mjs')).href);
const { Handler } = createRequire(import.meta.url)(join(bundle, 'addon.node'));

const load = (name) => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
const clone = (v) => structuredClone(v);

/** A viewer-request event (from the direct sample) with `clientIp` set (or deleted). */
function event(clientIp, headers = {}) {
  const e = load('viewer-request-direct.json');
  const r = e.Records[0].cf.request;
  if (clientIp === undefined) delete r.clientIp;
  else r.clientIp = clientIp;
  Object.assign(r.headers, headers);
  return e;
}

function expectForwarded(out, input) {
  assert.equal(out.status, undefined, `unexpected generated response: ${out.body}`);
  // The very request object CloudFront handed over (x-forwarded-host aside: forwarded-host.test.mjs).
  assert.equal(out, input.Records[0].cf.request);
}

function expectForbidden(out) {
  assert.equal(out.status, '403');
  assert.equal(out.statusDescription, 'Forbidden');
  assert.equal(out.bodyEncoding, 'text');
  assert.deepEqual(out.headers['content-type'], [{ key: 'Content-Type', value: 'application/problem+json' }]);
  assert.deepEqual(out.headers['cache-control'], [{ key: 'Cache-Control', value: 'no-store' }]);
  const problem = JSON.parse(out.body);
  assert.equal(problem.type, 'urn:oac-kit:problem:not-from-cloudflare');
  assert.equal(problem.status, 403);
  assert.equal(problem.title, 'Forbidden');
  assert.equal(out.uri, undefined);
}

describe('ip-filter bundle on the sample events', () => {
  for (const name of ['viewer-request-cloudflare-v4.json', 'viewer-request-cloudflare-v6.json']) {
    it(`${name} passes, changed only by x-forwarded-host (its Host)`, async () => {
      const input = load(name);
      const pristine = clone(input).Records[0].cf.request;
      const out = await handler(input);
      expectForwarded(out, input);
      pristine.headers['x-forwarded-host'] = [{ key: 'X-Forwarded-Host', value: 'api.example.com' }];
      assert.deepEqual(out, pristine);
    });
  }

  it('viewer-request-direct.json gets the 403', async () => {
    expectForbidden(await handler(load('viewer-request-direct.json')));
  });
});

describe('ip-filter bundle verdicts (hand-listed)', () => {
  for (const ip of [
    '173.245.48.0', '173.245.63.255', '104.16.0.0', '104.27.255.255', '131.0.75.255',
    '2400:cb00::', '2a06:98c7:ffff:ffff:ffff:ffff:ffff:ffff', '2C0F:F248::1',
    '::ffff:172.70.34.12', '::ffff:ac46:220c', '0:0:0:0:0:ffff:104.16.0.1',
  ]) {
    it(`allows ${ip}`, async () => {
      const input = event(ip);
      expectForwarded(await handler(input), input);
    });
  }

  for (const ip of [
    '173.245.47.255', '173.245.64.0', '104.15.255.255', '104.28.0.0', '131.0.76.0',
    '2400:caff:ffff:ffff:ffff:ffff:ffff:ffff', '2a06:98c8::', '2c0f:f249::',
    '::ffff:203.0.113.9', '::172.70.34.12', '64:ff9b::172.70.34.12', '203.0.113.9',
  ]) {
    it(`rejects ${ip} (outside the ranges)`, async () => {
      expectForbidden(await handler(event(ip)));
    });
  }

  for (const ip of [
    '', ' 172.70.34.12', '172.70.34.12 ', '172.70.34.12:443', '172.70.34.12/32', '0172.70.34.12',
    '172.070.34.12', '[2606:4700::1]', '2606:4700::1%eth0', '2606:4700:::1', 'localhost',
    '172.70.34.12, 203.0.113.9',
  ]) {
    it(`rejects unparsable clientIp ${JSON.stringify(ip)}`, async () => {
      expectForbidden(await handler(event(ip)));
    });
  }

  it('rejects a direct caller whatever CF-Connecting-IP and X-Forwarded-For claim', async () => {
    const out = await handler(event('203.0.113.9', {
      'cf-connecting-ip': [{ key: 'CF-Connecting-IP', value: '172.70.34.12' }],
      'x-forwarded-for': [{ key: 'X-Forwarded-For', value: '172.70.34.12' }],
      'true-client-ip': [{ key: 'True-Client-IP', value: '172.70.34.12' }],
    }));
    expectForbidden(out);
  });

  it('event without clientIp → invocation error, nothing forwarded', async () => {
    await assert.rejects(handler(event(undefined)));
  });
});

describe('ip-filter build-time configuration', () => {
  it('the shipped config.json allows only Cloudflare (decision log: refusals)', () => {
    assert.deepEqual(JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')), { decisionLog: 'refusals', extraCidrs: [] });
  });

  it('extra CIDRs are allowed besides Cloudflare', () => {
    const core = new Handler(JSON.stringify({ extraCidrs: ['203.0.113.0/24', '2001:db8::/32'] }));
    for (const ip of ['203.0.113.9', '::ffff:203.0.113.9', '2001:db8::1', '172.70.34.12']) {
      const input = event(ip);
      assert.equal(core.handle(input), input.Records[0].cf.request, ip);
    }
    expectForbidden(core.handle(event('203.0.114.0')));
  });

  for (const bad of [
    'not json', '{"unknown":1}', '{"extraCidrs":"203.0.113.0/24"}', '{"extraCidrs":["203.0.113.0"]}',
    '{"extraCidrs":["203.0.113.1/24"]}', '{"extraCidrs":["::ffff:0:0/96"]}',
  ]) {
    it(`refuses config ${bad} at init`, () => {
      assert.throws(() => new Handler(bad));
    });
  }

  it('the zipped bundle is under the 1 MB viewer-trigger limit', () => {
    const size = statSync(join(bundle, 'ip-filter.zip')).size;
    assert.ok(size > 0 && size <= 1_000_000, `${size} bytes`);
  });
});
