// Runs the KVS-mode CloudFront Function (target/edge/ip-filter-kvs.cloudfront.js) with the
// KeyValueStore stand-in oac-dev uses, on the values of target/edge/ip-filter-kvs.cases.json —
// written by the Rust encoder (kvs_layout, origin_secret) and judged by the Rust decoder — so the
// function's JavaScript reader is held to the Rust one. Both files: `cargo xtask cloudfront-function`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyValueStore, loadCloudFrontFunction } from '../../../tools/oac-dev/js/cloudfront-function.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const edgeDir = process.env.OAC_KIT_EDGE_DIR ?? join(resolve(here, '../../..'), 'target/edge');
const code = readFileSync(join(edgeDir, 'ip-filter-kvs.cloudfront.js'), 'utf8');
const addressOnly = readFileSync(join(edgeDir, 'ip-filter.cloudfront.js'), 'utf8');
const cases = JSON.parse(readFileSync(join(edgeDir, 'ip-filter-kvs.cases.json'), 'utf8'));
const { header, secrets } = cases;

const store = keyValueStore();
const { kvsMode, handler } = loadCloudFrontFunction(code, 'ip-filter-kvs.cloudfront.js', store);
const { handler: addressOnlyHandler } = loadCloudFrontFunction(addressOnly, 'ip-filter.cloudfront.js');

const CLOUDFLARE = '173.245.48.10';
const secretValue = (name) => cases.secretValues.find((c) => c.name === name).value;
const rangesCase = (name, list = cases.ranges) => list.find((c) => c.name === name);
const compiledItems = rangesCase('the compiled list').items;

/** Fills the store: ranges items, origin-secrets (undefined: absent), keys whose reads fail. */
function fill(ranges, secretsValue, failing = []) {
  const items = { ...ranges };
  if (secretsValue !== undefined) items['origin-secrets'] = secretsValue;
  store.set(items, failing);
}

/** A CloudFront Functions viewer-request event from `ip`; `secret`: a value, a list (repeated header) or undefined. */
function cfEvent(ip, secret) {
  const headers = { host: { value: 'api.example.com' }, accept: { value: '*/*' } };
  if (Array.isArray(secret)) headers[header] = { value: secret[0], multiValue: secret.map((value) => ({ value })) };
  else if (secret !== undefined) headers[header] = { value: secret };
  return {
    version: '1.0',
    context: { distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'r1' },
    viewer: { ip },
    request: { method: 'GET', uri: '/health', querystring: {}, headers, cookies: {} },
  };
}

const plain = (v) => JSON.parse(JSON.stringify(v));

/** true when the request went on (the same object), false on the 403 (checked to be the address-only function's, byte for byte). */
async function passes(run, ip, secret) {
  const event = cfEvent(ip, secret);
  const out = await run(event);
  if (out === event.request) return true;
  assert.deepEqual(plain(out), plain(addressOnlyHandler(cfEvent('203.0.113.9'))));
  return false;
}
const verdict = (ip, secret) => passes(handler, ip, secret);

describe('KVS-mode CloudFront Function: the module', () => {
  it('is under CloudFront\'s 10 KB limit', () => {
    assert.ok(Buffer.byteLength(code, 'utf8') <= 10 * 1024, `${code.length} bytes`);
  });

  it('imports cloudfront first and crypto second, and has an async handler', () => {
    assert.ok(kvsMode);
    assert.deepEqual(code.split('\n').slice(0, 2), ["import cf from 'cloudfront';", "import crypto from 'crypto';"]);
    assert.match(code, /^async function handler\(event\) \{$/m);
    assert.doesNotMatch(code, /\brequire\(|\bexport\b/);
  });
});

describe('KVS-mode CloudFront Function: the origin secret', () => {
  const one = secretValue('secret a');
  const two = secretValue('secrets a and b');

  it('refuses a right address without the secret', async () => {
    fill(compiledItems, one);
    assert.equal(await verdict(CLOUDFLARE, undefined), false);
  });

  it('refuses a right address with a wrong secret', async () => {
    fill(compiledItems, two);
    assert.equal(await verdict(CLOUDFLARE, secrets.wrong), false);
  });

  it('refuses a right secret from a wrong address', async () => {
    fill(compiledItems, one);
    assert.equal(await verdict('203.0.113.9', secrets.a), false);
  });

  it('refuses the secret header sent twice, even with the right secret both times', async () => {
    fill(compiledItems, one);
    assert.equal(await verdict(CLOUDFLARE, [secrets.a, secrets.a]), false);
  });

  for (const name of ['a', 'b']) {
    it(`passes either of two secrets (${name}), without the header`, async () => {
      fill(compiledItems, two);
      const event = cfEvent(CLOUDFLARE, secrets[name]);
      const out = await handler(event);
      assert.equal(out, event.request);
      assert.deepEqual(Object.keys(out.headers), ['host', 'accept', 'x-forwarded-host']);
    });
  }

  it('refuses secret b while only a is valid', async () => {
    fill(compiledItems, one);
    assert.equal(await verdict(CLOUDFLARE, secrets.b), false);
  });

  it('refuses everyone when origin-secrets cannot be read', async () => {
    fill(compiledItems, one, ['origin-secrets']);
    assert.equal(await verdict(CLOUDFLARE, secrets.a), false);
  });

  it('refuses everyone when the store cannot be read at all', async () => {
    store.set(null);
    assert.equal(await verdict(CLOUDFLARE, secrets.a), false);
  });

  for (const c of cases.secretValues) {
    const valid = 'digests' in c.rust;
    it(`origin-secrets "${c.name}": Rust ${valid ? 'accepts' : `refuses (${c.rust.refused})`}, so secret a ${valid ? 'passes' : 'does not'}`, async () => {
      fill(compiledItems, c.value ?? undefined);
      assert.equal(await verdict(CLOUDFLARE, secrets.a), valid);
    });
  }
});

describe('KVS-mode CloudFront Function: the ranges, held to the Rust decoder', () => {
  const one = secretValue('secret a');
  const check = async (run, c) => {
    if (c.items === null) fill(compiledItems, one, Object.keys(compiledItems));
    else fill(c.items, one);
    const wrong = [];
    for (const [ip, allowed] of Object.entries(c.expected)) {
      if ((await passes(run, ip, secrets.a)) !== allowed) wrong.push({ ip, allowed });
    }
    assert.deepEqual(wrong.slice(0, 10), []);
    assert.ok(Object.keys(c.expected).length > 100);
  };

  for (const c of cases.ranges) {
    const how = 'cidrs' in c.rust ? `its ${c.rust.cidrs.length} ranges` : `the compiled ranges (Rust: ${c.rust.refused})`;
    it(`${c.name}: ${how}`, () => check(handler, c));
  }

  it('a list that adds a range lets that range in', async () => {
    fill(rangesCase('a list that adds a range').items, one);
    assert.equal(await verdict('5.8.1.1', secrets.a), true);
    fill(compiledItems, one);
    assert.equal(await verdict('5.8.1.1', secrets.a), false);
  });

  it('a list that drops a compiled range shuts that range out', async () => {
    const dropped = rangesCase('a list that drops a compiled range');
    fill(compiledItems, one);
    assert.equal(await verdict(CLOUDFLARE, secrets.a), true);
    fill(dropped.items, one);
    assert.ok(!dropped.rust.cidrs.includes('173.245.48.0/20'));
    assert.equal(await verdict(CLOUDFLARE, secrets.a), false);
  });

  it('a failed ranges read falls back to the compiled ranges and still needs the secret', async () => {
    fill(compiledItems, one, ['ranges:0']);
    assert.equal(await verdict(CLOUDFLARE, secrets.a), true);
    assert.equal(await verdict(CLOUDFLARE, undefined), false);
    assert.equal(await verdict('5.8.1.1', secrets.a), false);
  });

  describe(`built with the extra CIDR ${cases.withExtra.extra}`, () => {
    const withExtra = loadCloudFrontFunction(cases.withExtra.code, 'with-extra.cloudfront.js', store).handler;
    const run = (event) => withExtra(event);
    for (const c of cases.withExtra.ranges) {
      it(`${c.name}: the extra always passes`, async () => {
        assert.equal(c.expected['198.51.100.0'], true);
        await check(run, c);
      });
    }
  });
});
