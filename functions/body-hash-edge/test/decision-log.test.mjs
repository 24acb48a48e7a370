// The body-hash bundle logs one JSON line per decision its build-time level logs (docs/metrics.md,
// "Edge decision logs": `all`, `refusals` — the default — or `off`), with the reason, the body's
// size and CloudFront's requestId — and never the body, a header value or a hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleWith } from '../../../shared/edge-napi/test/bundle-copy.mjs';
import { captureLog, oneLine } from '../../../shared/edge-napi/test/capture-log.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'body-hash');
const built = await import(pathToFileURL(join(bundle, 'index.mjs')).href);
const handler = await bundleWith(bundle, { decisionLog: 'all' });

const HASH = 'x-amz-content-sha256';
const SECRET_BODY = 'body-SECRET-5d1e';
const BEARER = 'Bearer token-SECRET-0b7a';

function event({ data, truncated = false, headers = {} }) {
  const e = JSON.parse(readFileSync(join(repo, 'fixtures/cloudfront/origin-request-post-json.json'), 'utf8'));
  const r = e.Records[0].cf.request;
  r.body = { action: 'read-only', encoding: 'base64', inputTruncated: truncated, data: Buffer.from(data).toString('base64') };
  r.headers.authorization = [{ key: 'Authorization', value: BEARER }];
  Object.assign(r.headers, headers);
  return e;
}

async function logged(e) {
  const requestId = e.Records[0].cf.config.requestId;
  const { calls } = await captureLog(() => handler(e));
  const line = oneLine(assert, calls);
  assert.equal(line.function, 'body-hash');
  assert.equal(line.requestId, requestId);
  const raw = calls[0][0];
  for (const secret of [SECRET_BODY, BEARER, 'SECRET', createHash('sha256').update(SECRET_BODY).digest('hex')]) {
    assert.ok(!raw.includes(secret), `${secret} in ${raw}`);
  }
  return line;
}

describe('body-hash decision log at level all', () => {
  it('a complete body: forward, hashed, its size', async () => {
    const line = await logged(event({ data: SECRET_BODY }));
    assert.deepEqual(
      { decision: line.decision, reason: line.reason, bodyBytes: line.bodyBytes, bodyTruncated: line.bodyTruncated },
      { decision: 'forward', reason: 'hashed', bodyBytes: SECRET_BODY.length, bodyTruncated: false },
    );
    assert.equal(line.status, undefined);
  });

  it('a mismatching viewer hash: respond 400 hash-mismatch', async () => {
    const line = await logged(event({ data: SECRET_BODY, headers: { [HASH]: [{ key: HASH, value: '0'.repeat(64) }] } }));
    assert.deepEqual([line.decision, line.status, line.reason], ['respond', 400, 'hash-mismatch']);
  });

  it('a truncated body without a hash: respond 413 body-truncated-no-hash', async () => {
    const line = await logged(event({ data: SECRET_BODY, truncated: true }));
    assert.deepEqual([line.decision, line.status, line.reason, line.bodyTruncated], ['respond', 413, 'body-truncated-no-hash', true]);
  });

  it('an event index.mjs hands to handle (the hash header twice): one line as well', async () => {
    const twice = { [HASH]: [{ key: HASH, value: 'a'.repeat(64) }, { key: HASH, value: 'b'.repeat(64) }] };
    const line = await logged(event({ data: SECRET_BODY, truncated: true, headers: twice }));
    assert.deepEqual([line.decision, line.status, line.reason], ['respond', 413, 'body-truncated-no-hash']);
  });

  it('an event whose config is not an object goes to handle, which refuses it: no line', async () => {
    const e = event({ data: SECRET_BODY });
    e.Records[0].cf.config = 'not an object';
    const { calls } = await captureLog(() => handler(e).catch((err) => err));
    assert.equal(calls.length, 0);
  });

  it('a malformed event logs no decision line (the invocation fails)', async () => {
    const { calls } = await captureLog(() => handler({ Records: [] }).catch((e) => e));
    assert.equal(calls.length, 0);
  });
});

/** How many console.log calls `run` makes. */
async function lineCount(run) {
  return (await captureLog(run)).calls.length;
}

describe('body-hash decision log at level refusals (the default build)', () => {
  it('the bundle cargo xtask edge builds says refusals', () => {
    assert.equal(JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')).decisionLog, 'refusals');
  });

  it('a forwarded request: no line, on the one-call path and through handle', async () => {
    assert.equal(await lineCount(() => built.handler(event({ data: SECRET_BODY }))), 0);
    const twice = { [HASH]: [{ key: HASH, value: 'a'.repeat(64) }, { key: HASH, value: 'b'.repeat(64) }] };
    assert.equal(await lineCount(() => built.handler(event({ data: SECRET_BODY, headers: twice }))), 0);
  });

  it('a refusal: its line, on the one-call path and through handle', async () => {
    const { calls } = await captureLog(() => built.handler(event({ data: SECRET_BODY, truncated: true })));
    assert.equal(oneLine(assert, calls).reason, 'body-truncated-no-hash');
    const twice = { [HASH]: [{ key: HASH, value: 'a'.repeat(64) }, { key: HASH, value: 'b'.repeat(64) }] };
    const viaHandle = await captureLog(() => built.handler(event({ data: SECRET_BODY, truncated: true, headers: twice })));
    assert.equal(oneLine(assert, viaHandle.calls).reason, 'body-truncated-no-hash');
  });
});

describe('body-hash decision log at level off', () => {
  it('no line, forwarded or refused', async () => {
    const off = await bundleWith(bundle, { decisionLog: 'off' });
    assert.equal(await lineCount(() => off(event({ data: SECRET_BODY }))), 0);
    assert.equal(await lineCount(() => off(event({ data: SECRET_BODY, truncated: true }))), 0);
  });

  it('a level that is not one fails the init', async () => {
    await assert.rejects(bundleWith(bundle, { decisionLog: 'everything' }), /decisionLog/);
  });
});
