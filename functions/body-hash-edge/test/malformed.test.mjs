// The body-hash bundle (target/edge/body-hash) on hostile event shapes, each in its own process
// (shared/edge-napi/test/run-case.mjs) so an abort fails one test instead of the runner. A
// malformed event must throw — the invocation fails, CloudFront answers 5xx, nothing is forwarded.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join, resolve, dirname } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  HOSTILE,
  MALFORMED,
  expectThrew,
  invokeIsolated,
  loadFixture,
  requestOf,
} from '../../../shared/edge-napi/test/isolated.mjs';
import {
  FIXTURE, hostileGetters, largeBodyBytes, malformed, repeated, repeatedUnread,
} from './malformed-cases.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'body-hash');
const cases = new URL('./malformed-cases.mjs', import.meta.url);
const run = (name) => invokeIsolated(bundle, cases, name);

const sampleHash = (() => {
  const body = requestOf(loadFixture(FIXTURE)).body;
  return createHash('sha256').update(Buffer.from(body.data, 'base64')).digest('hex');
})();
const EMPTY = createHash('sha256').digest('hex');

/** The sample request came back forwarded with `hash`. */
function expectForwarded(report, hash) {
  assert.equal(report.outcome, 'returned', report.message);
  assert.equal(report.value.status, undefined, `unexpected generated response: ${report.value.body}`);
  assert.deepEqual(report.value.headers['x-amz-content-sha256'], [{ key: 'x-amz-content-sha256', value: hash }]);
}

describe('body-hash bundle: the well-formed sample, for contrast', () => {
  it(`${FIXTURE} is forwarded with its hash`, () => expectForwarded(run('well-formed'), sampleHash));
});

describe('body-hash bundle refuses malformed events', () => {
  for (const name of Object.keys(malformed)) {
    it(`${name} → invocation error`, () => expectThrew(run(name), MALFORMED));
  }
});

describe('body-hash bundle answers a header repeated past any request with a 400, never a throw', () => {
  for (const name of Object.keys(repeated)) {
    it(`${name} → 400 too-many-header-entries`, () => {
      const report = run(name);
      assert.equal(report.outcome, 'returned', report.message);
      assert.equal(report.value.status, '400');
      assert.equal(JSON.parse(report.value.body).type, 'urn:oac-kit:problem:too-many-header-entries');
    });
  }
  for (const name of Object.keys(repeatedUnread)) {
    it(`${name} → forwarded with the hash`, () => expectForwarded(run(name), sampleHash));
  }
});

describe('body-hash bundle lets a throwing getter fail the invocation', () => {
  for (const name of Object.keys(hostileGetters)) {
    it(`${name} → invocation error`, () => expectThrew(run(name), new RegExp(HOSTILE)));
  }
});

describe('body-hash bundle survives getters that re-enter it', () => {
  it('body.data getter re-enters the handler', () => {
    const report = run('body.data getter re-enters the handler');
    expectForwarded(report, sampleHash);
    assert.equal(report.nested.length, 1);
    expectForwarded(report.nested[0], sampleHash);
  });

  it('header value getter reads other headers and re-enters the handler', () => {
    const report = run('header value getter reads other headers and re-enters the handler');
    expectForwarded(report, EMPTY);
    assert.equal(report.nested.length, 1);
    expectForwarded(report.nested[0], sampleHash);
  });

  it('x-amz-content-sha256 getter re-enters the handler with another large body', () => {
    const report = run('x-amz-content-sha256 getter re-enters the handler with another large body');
    const hash = (byte) => createHash('sha256').update(largeBodyBytes(byte)).digest('hex');
    expectForwarded(report, hash(0x11));
    assert.equal(report.nested.length, 1);
    expectForwarded(report.nested[0], hash(0x22));
  });
});
