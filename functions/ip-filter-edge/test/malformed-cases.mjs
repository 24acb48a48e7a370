// Event shapes the ip-filter bundle must refuse (malformed.test.mjs runs each in its own process
// through shared/edge-napi/test/run-case.mjs). Each builder edits the well-formed sample from a
// Cloudflare address (viewer-request-cloudflare-v4.json) in exactly one way and returns the event.
import {
  hostile,
  hostileEnvelopes,
  loadFixture,
  malformedEnvelopes,
  requestOf,
} from '../../../shared/edge-napi/test/isolated.mjs';

export const FIXTURE = 'viewer-request-cloudflare-v4.json';

const withClientIp = (e, clientIp) => {
  requestOf(e).clientIp = clientIp;
  return e;
};

/** Members of the wrong type or size: the addon's own "malformed event" exception. */
export const malformed = {
  ...malformedEnvelopes,
  'clientIp a number': (e) => withClientIp(e, 1745879041),
  'clientIp null': (e) => withClientIp(e, null),
  'clientIp an array': (e) => withClientIp(e, [requestOf(e).clientIp]),
  'clientIp an object with toString': (e) => {
    const ip = requestOf(e).clientIp;
    return withClientIp(e, { toString: () => ip });
  },
  'clientIp over 45 characters': (e) => withClientIp(e, requestOf(e).clientIp.padEnd(46, ' ')),
};

/** Getters and Proxy traps that throw: their exception must fail the invocation unchanged. */
export const hostileGetters = {
  ...hostileEnvelopes,
  'clientIp getter throws': (e) => {
    Object.defineProperty(requestOf(e), 'clientIp', { get: hostile });
    return e;
  },
};

/** A `clientIp` getter that calls the handler again; it still returns the sample's address. */
export const reentrant = {
  'clientIp getter re-enters the handler': (e, { reenter }) => {
    const request = requestOf(e);
    const ip = request.clientIp;
    Object.defineProperty(request, 'clientIp', {
      enumerable: true,
      get() {
        reenter(loadFixture(FIXTURE));
        return ip;
      },
    });
    return e;
  },
};

/** The event of case `name` (run-case.mjs calls this in the child process). */
export function build(name, ctx) {
  const e = loadFixture(FIXTURE);
  if (name === 'well-formed') return e;
  const edit = malformed[name] ?? hostileGetters[name] ?? reentrant[name];
  if (!edit) throw new Error(`no case ${name}`);
  return edit(e, ctx);
}
