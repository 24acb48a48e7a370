// The body-hash bundle's one-call path (functions/body-hash-edge/js/index.mjs reads the members,
// the addon's decideValues checks and decides): it must refuse and decide exactly as the addon's
// own reader (`handle`) does. Hostile shapes run each in its own process.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  MALFORMED,
  expectThrew,
  invokeIsolated,
  loadFixture,
  requestOf,
} from '../../../shared/edge-napi/test/isolated.mjs';
import { FIXTURE } from './malformed-cases.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'body-hash');
const { Handler } = createRequire(import.meta.url)(join(bundle, 'addon.node'));
const cases = new URL('./primitive-call-cases.mjs', import.meta.url);
const run = (name) => invokeIsolated(bundle, cases, name);
const HASH = 'x-amz-content-sha256';

describe('body-hash bundle reads the body members in the addon\'s order', () => {
  it('body.encoding of another type is refused before body.data is read', () => {
    expectThrew(run('body.encoding a number, then a throwing body.data getter'), MALFORMED);
  });

  it('body.inputTruncated of another type is refused before body.data is read', () => {
    expectThrew(run('body.inputTruncated a string, then a throwing body.data getter'), MALFORMED);
  });
});

describe('body-hash bundle leaves other header shapes to the addon\'s reader', () => {
  it('an entry list that is a Proxy of an array → invocation error', () => {
    expectThrew(run('x-amz-content-sha256 entries a Proxy of an array'), MALFORMED);
  });

  it('a header the core reads, sent twice, reaches the core whole (truncated body → 413)', () => {
    const report = run('truncated body with x-amz-content-sha256 sent twice');
    assert.equal(report.outcome, 'returned', report.message);
    assert.equal(report.value.status, '413');
    assert.match(JSON.parse(report.value.body).detail, /sent 2 times/);
  });
});

describe('decideValues answers by kind', () => {
  const core = new Handler(readFileSync(join(bundle, 'config.json'), 'utf8'));
  const sample = requestOf(loadFixture(FIXTURE));
  const call = (c, { requestId, headers = {}, body = sample.body, values = [] } = {}) =>
    c.decideValues(requestId, headers, body !== undefined, body?.encoding, body?.inputTruncated, body?.data, ...values);

  it('names the header it sets, and the headers it reads, from the core', () => {
    assert.equal(core.hashHeader, HASH);
    assert.deepEqual(core.headersRead(true), [HASH]);
    assert.deepEqual(core.headersRead(false), ['transfer-encoding', 'content-length']);
  });

  it('a hash to set: a string, the SHA-256 of the body', () => {
    const expected = createHash('sha256').update(Buffer.from(sample.body.data, 'base64')).digest('hex');
    assert.equal(call(core), expected);
  });

  it('keeps its decision\'s log line, with the requestId JS read, for takeDecisionLog', () => {
    const logsAll = new Handler(JSON.stringify({ decisionLog: 'all' }));
    call(logsAll, { requestId: 'req-1' });
    const line = JSON.parse(logsAll.takeDecisionLog());
    assert.deepEqual([line.function, line.decision, line.reason, line.requestId], ['body-hash', 'forward', 'hashed', 'req-1']);
    assert.equal(logsAll.takeDecisionLog(), null);
    call(core, { requestId: 'req-2' });
    assert.equal(core.takeDecisionLog(), null, 'the default level keeps no line for a forward');
  });

  it('a requestId that is not a string: the malformed-event exception', () => {
    assert.throws(() => call(core, { requestId: 7 }), /requestId/);
  });

  it('edits beyond the hash: null, with the headers object edited', () => {
    const copying = new Handler(JSON.stringify({ copyAuthorizationTo: 'x-viewer-authorization' }));
    const headers = { authorization: [{ key: 'Authorization', value: 'Bearer t' }] };
    assert.equal(call(copying, { headers, values: [undefined, 'Bearer t'] }), null);
    assert.equal(headers[HASH][0].key, HASH);
    assert.deepEqual(headers['x-viewer-authorization'], [{ key: 'x-viewer-authorization', value: 'Bearer t' }]);
  });

  it('a generated response: the problem object', () => {
    const out = call(core, { body: { ...sample.body, data: 'aGVsbG8' } });
    assert.equal(out.status, '400');
    assert.equal(JSON.parse(out.body).type, 'urn:oac-kit:problem:invalid-body-encoding');
  });

  it('a header value of another type → the addon\'s malformed-event exception', () => {
    assert.throws(() => call(core, { values: [5] }), { message: MALFORMED });
  });

  it('a body.data over its cap → the addon\'s malformed-event exception', () => {
    assert.throws(() => call(core, { body: { data: 'A'.repeat(1_398_108) } }), { message: MALFORMED });
  });
});
