// The bounds of the ip-filter bundle in KVS mode: how long the last good secrets admit while every
// GetKey fails (10 × refreshSeconds; each failed refresh logged and counted), and a secret header
// repeated past any real request (257 and 10,000 entries: the uniform 403, never an exception).
// A loopback GetKey server stands in for the store; the clock is node:test's mocked Date.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import { captureLog } from '../../../shared/edge-napi/test/capture-log.mjs';
import { rangesItems, secretsValue, startGetKeyServer } from './getkey-server.mjs';
import {
  ARN, CLOUDFLARE, CURRENT, Handler, START, event, expectForbidden, expectForwarded, kvsBundle,
  setCredentials,
} from './kvs-bundle.mjs';

/** refreshSeconds of the test bundles (60), and the secrets' maximum age: 10 of them. */
const MAX_AGE_MS = 10 * 60_000;

let endpoint;
let store;
let closeServer;

before(async () => {
  ({ endpoint, store, close: closeServer } = await startGetKeyServer(ARN));
  setCredentials();
});
after(() => closeServer());
beforeEach(() => {
  store.items = { ...rangesItems(['104.16.0.0/13']), 'origin-secrets': secretsValue(CURRENT) };
  store.failing = false;
  mock.timers.enable({ apis: ['Date'], now: START });
});
afterEach(() => mock.timers.reset());

/** The 403 a wrong address gets from the address-only filter, as bytes. */
const wrongAddress = () => JSON.stringify(new Handler('{}').handle(event('203.0.113.9')));

/** The lines `handler` logs for `input`, parsed, and its answer. */
async function run(handler, input) {
  const { answer, calls } = await captureLog(() => handler(input));
  return { answer, lines: calls.map(([line]) => JSON.parse(line)) };
}

describe('ip-filter bundle, KVS mode: secrets while GetKey fails', () => {
  it('the last good secrets admit until 10 × refreshSeconds, then nobody; a success restores', async () => {
    const handler = await kvsBundle(endpoint);
    const first = event(CLOUDFLARE, [CURRENT]);
    expectForwarded(await handler(first), first);
    store.failing = true;

    mock.timers.tick(MAX_AGE_MS - 1_000);
    const before = event(CLOUDFLARE, [CURRENT]);
    const stillGood = await run(handler, before);
    expectForwarded(stillGood.answer, before);
    assert.deepEqual(stillGood.lines, [{
      function: 'ip-filter', event: 'kvs-refresh-failed', consecutiveFailures: 1,
      secretsAgeSeconds: (MAX_AGE_MS - 1_000) / 1000, secretsStale: false,
    }], 'the failed refresh is logged; the forward is not (level refusals)');

    mock.timers.tick(1_000);
    const stale = await run(handler, event(CLOUDFLARE, [CURRENT]));
    expectForbidden(stale.answer);
    assert.equal(JSON.stringify(stale.answer), wrongAddress(), 'the uniform 403');
    assert.deepEqual(stale.lines.map((l) => l.reason), ['secrets-stale'], 'no refresh yet: backing off');

    mock.timers.tick(5_000);
    const stillFailing = await run(handler, event(CLOUDFLARE, [CURRENT]));
    expectForbidden(stillFailing.answer);
    assert.equal(stillFailing.lines[0].event, 'kvs-refresh-failed');
    assert.equal(stillFailing.lines[0].consecutiveFailures, 2);
    assert.equal(stillFailing.lines[0].secretsStale, true);
    assert.equal(stillFailing.lines[1].reason, 'secrets-stale');

    store.failing = false;
    mock.timers.tick(5_000);
    const restored = event(CLOUDFLARE, [CURRENT]);
    const back = await run(handler, restored);
    expectForwarded(back.answer, restored);
    assert.deepEqual(back.lines, [], 'a good refresh and a forward log nothing');
  });

  it('never any secret read (GetKey failing from the start): each failed refresh is logged', async () => {
    store.failing = true;
    const handler = await kvsBundle(endpoint);
    const { answer, lines } = await run(handler, event(CLOUDFLARE, [CURRENT]));
    expectForbidden(answer);
    assert.deepEqual(lines.map((l) => [l.event, l.consecutiveFailures, l.secretsAgeSeconds, l.reason]), [
      ['kvs-refresh-failed', 1, undefined, undefined],
      [undefined, undefined, undefined, 'secrets-not-loaded'],
    ]);
  });
});

describe('ip-filter bundle, KVS mode: the secret header repeated', () => {
  for (const count of [257, 10_000]) {
    it(`${count} entries of the right secret: the 403 a wrong address gets, byte for byte`, async () => {
      const handler = await kvsBundle(endpoint);
      const { answer, lines } = await run(handler, event(CLOUDFLARE, Array(count).fill(CURRENT)));
      assert.equal(JSON.stringify(answer), wrongAddress());
      assert.deepEqual(lines.map((l) => l.reason), ['secret-repeated']);
    });
  }

  it('from a wrong address no header is read (a throwing getter there): the 403', async () => {
    const handler = await kvsBundle(endpoint);
    const input = event('203.0.113.9');
    Object.defineProperty(input.Records[0].cf.request.headers, 'x-origin-secret', {
      enumerable: true,
      get() { throw new Error('the secret header was read'); },
    });
    const { answer, lines } = await run(handler, input);
    assert.equal(JSON.stringify(answer), wrongAddress());
    assert.deepEqual(lines.map((l) => l.reason), ['not-from-cloudflare']);
  });

  it('a sparse entry list of length 1e9 from a Cloudflare address: the 403, not an exception', async () => {
    const handler = await kvsBundle(endpoint);
    const input = event(CLOUDFLARE);
    input.Records[0].cf.request.headers['x-origin-secret'] = new Array(1e9);
    const { answer } = await run(handler, input);
    assert.equal(JSON.stringify(answer), wrongAddress());
  });
});
