// Runs one hostile case of an edge bundle in a child process (see run-case.mjs) and checks the
// process survived: an abort (a Rust panic, a failed allocation) is the worst way to fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./run-case.mjs', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../fixtures/cloudfront/', import.meta.url));

/** A fresh copy of a sample event from fixtures/cloudfront. */
export const loadFixture = (name) => JSON.parse(readFileSync(fixtures + name, 'utf8'));

/** `Records[0].cf.request` of an event. */
export const requestOf = (event) => event.Records[0].cf.request;

/** The report of case `name` from `casesUrl` run against `bundleDir`; fails if the process died. */
export function invokeIsolated(bundleDir, casesUrl, name) {
  const child = spawnSync(process.execPath, [runner, bundleDir, fileURLToPath(casesUrl), name], {
    encoding: 'utf8',
  });
  assert.equal(child.signal, null, `the process was killed by ${child.signal}:\n${child.stderr}`);
  assert.equal(child.status, 0, `the process exited with ${child.status}:\n${child.stderr}`);
  return JSON.parse(child.stdout);
}

/** The handler threw (the invocation fails; CloudFront answers 5xx) with a message matching `why`. */
export function expectThrew(report, why) {
  const got = report.outcome === 'returned' ? JSON.stringify(report.value).slice(0, 300) : '';
  assert.equal(report.outcome, 'threw', `the handler returned ${got}`);
  assert.match(report.message, why);
}

/** The addon's own refusal of a member of the wrong type or size. */
export const MALFORMED = /^malformed event: /;

/** The message hostile getters and Proxy traps throw with (it must propagate unchanged). */
export const HOSTILE = 'hostile getter';

/** A getter (or trap) that throws. */
export function hostile() {
  throw new Error(HOSTILE);
}

/**
 * Malformed envelopes every edge bundle must refuse, as edits of a well-formed event: each
 * function changes one thing about `Records[0].cf.request`'s path and returns the event.
 */
export const malformedEnvelopes = {
  'event without Records': () => ({}),
  'Records not an array (an array-like object)': (e) => {
    e.Records = { 0: e.Records[0], length: 1 };
    return e;
  },
  'Records empty': (e) => {
    e.Records = [];
    return e;
  },
  'Records with two records': (e) => {
    e.Records.push(structuredClone(e.Records[0]));
    return e;
  },
  'Records a Proxy of an array': (e) => {
    e.Records = new Proxy(e.Records, {});
    return e;
  },
  'Records[0] a number': (e) => {
    e.Records = [42];
    return e;
  },
  'Records[0] a hole': (e) => {
    e.Records = new Array(1);
    return e;
  },
  'cf a string': (e) => {
    e.Records[0].cf = 'cf';
    return e;
  },
  'cf an array': (e) => {
    e.Records[0].cf = [e.Records[0].cf];
    return e;
  },
  'request null': (e) => {
    e.Records[0].cf.request = null;
    return e;
  },
  'request a number': (e) => {
    e.Records[0].cf.request = 42;
    return e;
  },
  'request a function': (e) => {
    const request = requestOf(e);
    e.Records[0].cf.request = Object.assign(() => request, request);
    return e;
  },
};

/** Envelopes whose getters or Proxy traps throw: the getter's own exception must come out. */
export const hostileEnvelopes = {
  'Records getter throws': (e) => Object.defineProperty(e, 'Records', { get: hostile }),
  'cf getter throws': (e) => {
    Object.defineProperty(e.Records[0], 'cf', { get: hostile });
    return e;
  },
  'request a Proxy whose get trap throws': (e) => {
    e.Records[0].cf.request = new Proxy(requestOf(e), { get: hostile });
    return e;
  },
};
