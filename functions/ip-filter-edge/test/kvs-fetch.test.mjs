// The ip-filter edge bundle in KVS mode (config.json with kvsArn), run as Lambda@Edge runs it:
// index.mjs imported, handler(event) called. A loopback GetKey server stands in for the KVS data
// plane (getkey-server.mjs) and counts the requests it gets; the clock is node:test's mocked Date,
// so "later" is a tick, not a wait.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import { rangesItems, secretsValue, startGetKeyServer } from './getkey-server.mjs';
import {
  ARN, CLOUDFLARE, CURRENT, Handler, KVS_ONLY, NEXT, START, event, expectForbidden, expectForwarded,
  kvsBundle as kvsBundleAt, setCredentials,
} from './kvs-bundle.mjs';

let endpoint;
let store;
let closeServer;
const kvsBundle = (extra) => kvsBundleAt(endpoint, extra);

before(async () => {
  ({ endpoint, store, close: closeServer } = await startGetKeyServer(ARN));
  setCredentials();
});
after(() => closeServer());
beforeEach(() => {
  store.items = { ...rangesItems(['104.16.0.0/13']), 'origin-secrets': secretsValue(CURRENT, NEXT) };
  store.failing = false;
  store.requests = [];
  mock.timers.enable({ apis: ['Date'], now: START });
});
afterEach(() => mock.timers.reset());

describe('ip-filter bundle, KVS mode: the origin secret', () => {
  it('a Cloudflare address without the secret header gets the 403', async () => {
    const handler = await kvsBundle();
    expectForbidden(await handler(event(CLOUDFLARE)));
  });

  it('a wrong secret gets the 403', async () => {
    const handler = await kvsBundle();
    expectForbidden(await handler(event(CLOUDFLARE, ['k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZb'])));
  });

  it('the secret header twice gets the 403', async () => {
    const handler = await kvsBundle();
    expectForbidden(await handler(event(CLOUDFLARE, [CURRENT, CURRENT])));
  });

  it('either of two secrets is forwarded, without the header', async () => {
    const handler = await kvsBundle();
    for (const secret of [CURRENT, NEXT]) {
      const input = event(CLOUDFLARE, [secret]);
      expectForwarded(await handler(input), input);
    }
  });

  it('the right secret from a wrong address gets the 403', async () => {
    const handler = await kvsBundle();
    expectForbidden(await handler(event('203.0.113.9', [CURRENT])));
  });

  it('the 403 is byte for byte the one a wrong address gets from the address-only bundle', async () => {
    const handler = await kvsBundle();
    const addressOnly = new Handler('{}').handle(event('203.0.113.9'));
    assert.deepEqual(await handler(event(CLOUDFLARE)), addressOnly);
  });
});

describe('ip-filter bundle, KVS mode: the fetched data', () => {
  it('a fetch failure at cold start is a 403 for everyone', async () => {
    store.failing = true;
    const handler = await kvsBundle();
    expectForbidden(await handler(event(CLOUDFLARE, [CURRENT])));
    assert.ok(store.requests.length > 0, 'the cold start fetched');
  });

  it('a fetch failure later keeps the last good data', async () => {
    const handler = await kvsBundle();
    const first = event(CLOUDFLARE, [CURRENT]);
    expectForwarded(await handler(first), first);
    store.failing = true;
    const seen = store.requests.length;
    mock.timers.tick(61_000);
    const later = event(CLOUDFLARE, [CURRENT]);
    expectForwarded(await handler(later), later);
    assert.ok(store.requests.length > seen, 'the stale data was refreshed (and the refresh failed)');
  });

  it('ranges in the store replace the compiled ranges', async () => {
    store.items = { ...store.items, ...rangesItems(['9.9.9.0/24']) };
    const handler = await kvsBundle();
    const input = event(KVS_ONLY, [CURRENT]);
    expectForwarded(await handler(input), input);
    expectForbidden(await handler(event(CLOUDFLARE, [CURRENT])));
  });

  it('ranges spread over several values are read whole', async () => {
    store.items = { ...store.items, ...rangesItems(['9.9.9.0/24', '2620:fe::/48'], 3) };
    const handler = await kvsBundle();
    for (const ip of [KVS_ONLY, '2620:fe::9']) {
      const input = event(ip, [CURRENT]);
      expectForwarded(await handler(input), input);
    }
    const keys = store.requests.map((r) => decodeURIComponent(r.url.split('/keys/')[1])).sort();
    assert.deepEqual(keys, ['origin-secrets', 'ranges:0', 'ranges:1', 'ranges:2']);
  });

  it('bad ranges in the store leave the compiled ranges', async () => {
    const good = rangesItems(['9.9.9.0/24'])['ranges:0'];
    store.items['ranges:0'] = good.replace('9.9.9.0/24', '9.9.10.0/24');
    const handler = await kvsBundle();
    const input = event(CLOUDFLARE, [CURRENT]);
    expectForwarded(await handler(input), input);
    expectForbidden(await handler(event(KVS_ONLY, [CURRENT])));
  });

  it('extra CIDRs are allowed on top of the store ranges', async () => {
    store.items = { ...store.items, ...rangesItems(['9.9.9.0/24']) };
    const handler = await kvsBundle({ extraCidrs: ['203.0.113.0/24'] });
    const input = event('203.0.113.9', [CURRENT]);
    expectForwarded(await handler(input), input);
  });
});

describe('ip-filter bundle, KVS mode: when it fetches', () => {
  it('a second request within the refresh interval makes no fetch', async () => {
    const handler = await kvsBundle();
    await handler(event(CLOUDFLARE, [CURRENT]));
    assert.equal(store.requests.length, 2, 'ranges:0 and origin-secrets');
    mock.timers.tick(59_000);
    await handler(event(CLOUDFLARE, [CURRENT]));
    assert.equal(store.requests.length, 2);
    mock.timers.tick(2_000);
    await handler(event(CLOUDFLARE, [CURRENT]));
    assert.equal(store.requests.length, 4, 'data older than refreshSeconds is fetched again');
  });

  it('a failed refresh is retried after the back-off, not on every request', async () => {
    store.failing = true;
    const handler = await kvsBundle();
    await handler(event(CLOUDFLARE, [CURRENT]));
    const afterFirst = store.requests.length;
    await handler(event(CLOUDFLARE, [CURRENT]));
    assert.equal(store.requests.length, afterFirst);
    store.failing = false;
    mock.timers.tick(5_000);
    const input = event(CLOUDFLARE, [CURRENT]);
    expectForwarded(await handler(input), input);
  });

  it('the GetKey requests are signed with SigV4a for region set *', async () => {
    const handler = await kvsBundle();
    await handler(event(CLOUDFLARE, [CURRENT]));
    const paths = store.requests.map((r) => r.url).sort();
    const arn = encodeURIComponent(ARN);
    assert.deepEqual(paths, [`/key-value-stores/${arn}/keys/origin-secrets`, `/key-value-stores/${arn}/keys/ranges%3A0`]);
    for (const { method, headers } of store.requests) {
      assert.equal(method, 'GET');
      assert.match(headers.authorization,
        /^AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE\/20260101\/cloudfront-keyvaluestore\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set;x-amz-security-token, Signature=[0-9a-f]+$/);
      assert.equal(headers['x-amz-region-set'], '*');
      assert.equal(headers['x-amz-date'], '20260101T000000Z');
      assert.equal(headers['x-amz-security-token'], 'session-token-example');
    }
  });

  it('without credentials nothing is fetched and everyone gets the 403', async () => {
    const saved = process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_ACCESS_KEY_ID;
    try {
      const handler = await kvsBundle();
      expectForbidden(await handler(event(CLOUDFLARE, [CURRENT])));
      assert.equal(store.requests.length, 0);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved;
    }
  });
});

describe('ip-filter bundle, KVS mode: config.json', () => {
  for (const bad of [
    { kvsArn: 'arn:aws:s3:::bucket' },
    { kvsArn: ARN, refreshSeconds: 9 },
    { kvsArn: ARN, refreshSeconds: 3601 },
    { kvsArn: ARN, kvsEndpoint: 'http://10.0.0.1:80' },
    { kvsArn: ARN, kvsEndpoint: 'https://123456789012.cloudfront-kvs.global.api.aws' },
    { kvsArn: ARN, originSecretHeader: 'X-Origin-Secret' },
    { originSecretHeader: 'x-origin-secret' },
    { kvsArn: ARN, unknown: 1 },
  ]) {
    it(`refuses ${JSON.stringify(bad)} at init`, () => {
      assert.throws(() => new Handler(JSON.stringify(bad)));
    });
  }

  it('the secret header name is configurable', async () => {
    const handler = await kvsBundle({ originSecretHeader: 'x-zone-key' });
    const input = event(CLOUDFLARE);
    input.Records[0].cf.request.headers['x-zone-key'] = [{ key: 'X-Zone-Key', value: CURRENT }];
    const out = await handler(input);
    assert.equal(out, input.Records[0].cf.request);
    assert.equal(out.headers['x-zone-key'], undefined);
  });
});

describe('ip-filter bundle without kvsArn', () => {
  it('does not read a store', () => {
    assert.equal(new Handler('{}').readsStore, false);
    assert.equal(new Handler(JSON.stringify({ kvsArn: ARN })).readsStore, true);
  });
});
