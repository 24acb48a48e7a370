// Event shapes where the bundle's index.mjs, which reads the members itself and hands them to the
// addon in one call, could decide differently from the addon reading the event (primitive-call
// .test.mjs runs each in its own process through shared/edge-napi/test/run-case.mjs).
import { hostile, loadFixture, requestOf } from '../../../shared/edge-napi/test/isolated.mjs';
import { FIXTURE } from './malformed-cases.mjs';

const throwingMember = (object, name) => Object.defineProperty(object, name, { get: hostile });

export const cases = {
  // The addon reads body.encoding, checks it, then reads the next member: a wrong type is
  // refused before a later getter runs.
  'body.encoding a number, then a throwing body.data getter': (e) => {
    const body = requestOf(e).body;
    body.encoding = 64;
    throwingMember(body, 'data');
    return e;
  },
  'body.inputTruncated a string, then a throwing body.data getter': (e) => {
    const body = requestOf(e).body;
    body.inputTruncated = 'false';
    throwingMember(body, 'data');
    return e;
  },
  // A header's entry list that is not one plain entry is read by the addon: a Proxy of an array
  // is not an array there.
  'x-amz-content-sha256 entries a Proxy of an array': (e) => {
    requestOf(e).headers['x-amz-content-sha256'] = new Proxy([{ key: 'X-Amz-Content-Sha256', value: 'x' }], {});
    return e;
  },
  // Two entries of a header the core reads: both reach the core (a repeated viewer hash is no claim).
  'truncated body with x-amz-content-sha256 sent twice': (e) => {
    const request = requestOf(e);
    request.body.inputTruncated = true;
    const claim = { key: 'X-Amz-Content-Sha256', value: 'a'.repeat(64) };
    request.headers['x-amz-content-sha256'] = [claim, { ...claim }];
    return e;
  },
};

/** The event of case `name` (run-case.mjs calls this in the child process). */
export function build(name) {
  const edit = cases[name];
  if (!edit) throw new Error(`no case ${name}`);
  return edit(loadFixture(FIXTURE));
}
