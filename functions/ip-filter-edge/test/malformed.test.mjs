// The ip-filter bundle (target/edge/ip-filter) on hostile event shapes, each in its own process
// (shared/edge-napi/test/run-case.mjs) so an abort fails one test instead of the runner. A
// malformed event must throw — the invocation fails, CloudFront answers 5xx, nothing is forwarded.
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { HOSTILE, MALFORMED, expectThrew, invokeIsolated } from '../../../shared/edge-napi/test/isolated.mjs';
import { FIXTURE, hostileGetters, malformed } from './malformed-cases.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'ip-filter');
const cases = new URL('./malformed-cases.mjs', import.meta.url);
const run = (name) => invokeIsolated(bundle, cases, name);

/** The request was forwarded (returned, not a generated response). */
function expectForwarded(report) {
  assert.equal(report.outcome, 'returned', report.message);
  assert.equal(report.value.status, undefined, `unexpected generated response: ${report.value.body}`);
}

describe('ip-filter bundle: the well-formed sample, for contrast', () => {
  it(`${FIXTURE} is forwarded`, () => expectForwarded(run('well-formed')));
});

describe('ip-filter bundle refuses malformed events', () => {
  for (const name of Object.keys(malformed)) {
    it(`${name} → invocation error`, () => expectThrew(run(name), MALFORMED));
  }
});

describe('ip-filter bundle lets a throwing getter fail the invocation', () => {
  for (const name of Object.keys(hostileGetters)) {
    it(`${name} → invocation error`, () => expectThrew(run(name), new RegExp(HOSTILE)));
  }
});

describe('ip-filter bundle survives a getter that re-enters it', () => {
  it('clientIp getter re-enters the handler', () => {
    const report = run('clientIp getter re-enters the handler');
    expectForwarded(report);
    assert.equal(report.nested.length, 1);
    expectForwarded(report.nested[0]);
  });
});
