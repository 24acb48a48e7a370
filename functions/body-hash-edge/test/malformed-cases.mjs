// Event shapes the body-hash bundle must refuse (malformed.test.mjs runs each in its own process
// through shared/edge-napi/test/run-case.mjs). Each builder edits the well-formed sample
// (origin-request-post-json.json) in exactly one way and returns the event.
import {
  hostile,
  hostileEnvelopes,
  loadFixture,
  malformedEnvelopes,
  requestOf,
} from '../../../shared/edge-napi/test/isolated.mjs';

export const FIXTURE = 'origin-request-post-json.json';

/** A request with no body whose `content-length` entry list is `entries`. */
function withContentLength(e, entries) {
  const r = requestOf(e);
  delete r.body;
  r.headers['content-length'] = entries;
  return e;
}
const withBody = (e, body) => {
  requestOf(e).body = { ...requestOf(e).body, ...body };
  return e;
};
const withBodyMember = (e, body) => {
  requestOf(e).body = body;
  return e;
};
const sparse = (length) => {
  const a = [];
  a.length = length;
  return a;
};

/** `count` entries of header `name`, each `{ key: name, value }`. */
const entries = (name, value, count) => Array.from({ length: count }, () => ({ key: name, value }));
const withHeader = (e, name, list) => {
  requestOf(e).headers[name] = list;
  return e;
};

/**
 * A header the core reads, repeated past any real request: judged on its count alone, a 400
 * `too-many-header-entries` problem — never an exception (the viewer chooses the count).
 */
export const repeated = {
  'content-length 257 times': (e) => withContentLength(e, entries('Content-Length', '0', 257)),
  'content-length 10000 times': (e) => withContentLength(e, entries('Content-Length', '0', 10_000)),
  'transfer-encoding 10000 times, no body': (e) => {
    delete requestOf(e).body;
    return withHeader(e, 'transfer-encoding', entries('Transfer-Encoding', 'chunked', 10_000));
  },
  'x-amz-content-sha256 257 times': (e) =>
    withHeader(e, 'x-amz-content-sha256', entries('X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD', 257)),
  'x-amz-content-sha256 10000 times': (e) =>
    withHeader(e, 'x-amz-content-sha256', entries('X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD', 10_000)),
  'header entry list a sparse array of length 1e9': (e) => withContentLength(e, sparse(1e9)),
};

/** A header the core does not read may come any number of times: the body is hashed. */
export const repeatedUnread = {
  'authorization 10000 times (not copied)': (e) =>
    withHeader(e, 'authorization', entries('Authorization', 'Bearer t', 10_000)),
};

/** Members of the wrong type or size: the addon's own "malformed event" exception. */
export const malformed = {
  ...malformedEnvelopes,
  'headers missing': (e) => {
    delete requestOf(e).headers;
    return e;
  },
  'headers a string': (e) => {
    requestOf(e).headers = 'content-length: 5';
    return e;
  },
  'headers an array': (e) => {
    requestOf(e).headers = Object.values(requestOf(e).headers);
    return e;
  },
  'header entry list an object, not an array': (e) =>
    withContentLength(e, { key: 'Content-Length', value: '5' }),
  'header entry list an array-like with length 2**32-1': (e) =>
    withContentLength(e, { length: 2 ** 32 - 1, 0: { key: 'Content-Length', value: '5' } }),
  'header entry list with a hole': (e) => withContentLength(e, [, { key: 'Content-Length', value: '5' }]),
  'header entry a string': (e) => withContentLength(e, ['5']),
  'header entry null': (e) => withContentLength(e, [null]),
  'header value a number': (e) => withContentLength(e, [{ key: 'Content-Length', value: 5 }]),
  'header value an object with toString': (e) =>
    withContentLength(e, [{ key: 'Content-Length', value: { toString: () => '0' } }]),
  'header value missing': (e) => withContentLength(e, [{ key: 'Content-Length' }]),
  'header value over 20480 characters': (e) =>
    withContentLength(e, [{ key: 'Content-Length', value: '0'.repeat(20_481) }]),
  'header values together over 20480 characters': (e) =>
    withContentLength(e, [
      { key: 'Content-Length', value: '0'.repeat(10_241) },
      { key: 'Content-Length', value: '0'.repeat(10_240) },
    ]),
  'body a number': (e) => withBodyMember(e, 42),
  'body a string': (e) => withBodyMember(e, requestOf(e).body.data),
  'body null': (e) => withBodyMember(e, null),
  'body an array': (e) => withBodyMember(e, [requestOf(e).body]),
  'body.data a number': (e) => withBody(e, { data: 42 }),
  'body.data an object with toString': (e) => withBody(e, { data: { toString: () => 'aGVsbG8=' } }),
  'body.data over 1398104 characters (base64 of 1 MiB)': (e) =>
    withBody(e, { data: 'A'.repeat(1_398_108) }),
  'body.encoding a number': (e) => withBody(e, { encoding: 64 }),
  'body.encoding an array': (e) => withBody(e, { encoding: ['base64'] }),
  'body.encoding over 32 characters': (e) => withBody(e, { encoding: 'x'.repeat(33) }),
  'body.inputTruncated a string': (e) => withBody(e, { inputTruncated: 'false' }),
  'body.inputTruncated a number': (e) => withBody(e, { inputTruncated: 0 }),
};

/** Getters and Proxy traps that throw: their exception must fail the invocation unchanged. */
export const hostileGetters = {
  ...hostileEnvelopes,
  'headers a Proxy whose get trap throws (no body: the headers are read)': (e) => {
    delete requestOf(e).body;
    requestOf(e).headers = new Proxy(requestOf(e).headers, { get: hostile });
    return e;
  },
  'header value getter throws': (e) => {
    const entry = { key: 'Content-Length' };
    Object.defineProperty(entry, 'value', { get: hostile, enumerable: true });
    return withContentLength(e, [entry]);
  },
  'body.data getter throws': (e) => {
    Object.defineProperty(requestOf(e).body, 'data', { get: hostile });
    return e;
  },
  'x-amz-content-sha256 value getter throws (a body: the viewer hash is read)': (e) => {
    const entry = { key: 'X-Amz-Content-Sha256' };
    Object.defineProperty(entry, 'value', { get: hostile, enumerable: true });
    requestOf(e).headers['x-amz-content-sha256'] = [entry];
    return e;
  },
};

/** Bytes of a body large enough to be copied by Node's writer (`node_writer.rs`), all `byte`. */
export const largeBodyBytes = (byte) => Buffer.alloc(48 * 1024, byte);
const largeBody = (byte) => ({
  action: 'read-only',
  data: largeBodyBytes(byte).toString('base64'),
  encoding: 'base64',
  inputTruncated: false,
});

/**
 * Getters that call the handler again while it reads the event; each still returns the value the
 * sample holds, so both the outer and the nested invocation must succeed.
 */
export const reentrant = {
  'body.data getter re-enters the handler': (e, { reenter }) => {
    const body = requestOf(e).body;
    const data = body.data;
    Object.defineProperty(body, 'data', {
      enumerable: true,
      get() {
        reenter(loadFixture(FIXTURE));
        return data;
      },
    });
    return e;
  },
  'header value getter reads other headers and re-enters the handler': (e, { reenter }) => {
    const headers = requestOf(e).headers;
    delete requestOf(e).body;
    const entry = { key: 'Content-Length' };
    let entered = false; // once: the test harness reads the returned headers again
    Object.defineProperty(entry, 'value', {
      enumerable: true,
      get() {
        if (!entered) reenter(loadFixture(FIXTURE));
        entered = true;
        void headers['content-type'][0].value;
        return '0';
      },
    });
    headers['content-length'] = [entry];
    return e;
  },
  'x-amz-content-sha256 getter re-enters the handler with another large body': (e, { reenter }) => {
    // The outer body is already copied when its headers are read: the nested invocation must
    // not write its own body where the outer one is still to be hashed.
    requestOf(e).body = largeBody(0x11);
    const entry = { key: 'X-Amz-Content-Sha256' };
    let entered = false; // once: the test harness reads the returned headers again
    Object.defineProperty(entry, 'value', {
      enumerable: true,
      get() {
        if (!entered) {
          entered = true;
          const inner = loadFixture(FIXTURE);
          requestOf(inner).body = largeBody(0x22);
          reenter(inner);
        }
        return 'UNSIGNED-PAYLOAD';
      },
    });
    requestOf(e).headers['x-amz-content-sha256'] = [entry];
    return e;
  },
};

/** The event of case `name` (run-case.mjs calls this in the child process). */
export function build(name, ctx) {
  const e = loadFixture(FIXTURE);
  if (name === 'well-formed') return e;
  const edit = malformed[name] ?? repeated[name] ?? repeatedUnread[name] ?? hostileGetters[name] ?? reentrant[name];
  if (!edit) throw new Error(`no case ${name}`);
  return edit(e, ctx);
}
