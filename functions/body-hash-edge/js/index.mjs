// Lambda@Edge entry point of the body-hash bundle (nodejs22.x, x86_64). The policy lives in the
// Rust core inside addon.node; config.json is the build-time configuration (a bad one throws here,
// at init, so the function fails closed).
//
// Why this file reads members itself (docs/body-hash.md, "One call with primitives"): through
// N-API each member read costs ~85 ns and each header entry created ~0.4–0.7 µs, more than a
// plain JS handler's whole invocation on a small body. So JS reads the few members the core needs
// (inline caches, ~1 ns each) and makes ONE call with them. It decides nothing: it reads the
// members Rust names (`headersRead`, `hashHeader`, taken once here) in the order Rust reads them,
// hands the values over (Rust checks their types again, and their sizes), and sends any event
// not of the plain shape (a member of another type, a Proxy where an array belongs, a header sent
// twice) to `handle`, the addon's own reader, which refuses it exactly as before (or, for a shape
// Rust accepts that this file does not take, reads it whole). Nothing is refused here.
//
// Both paths log the decision the same way (docs/metrics.md, "Edge decision logs"): the call that
// decided keeps its one JSON line, built in Rust from the decision alone, when config.json's
// `decisionLog` level logs that decision (`all`; `refusals`, the default; `off`), and this file
// writes it with console.log.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { types } from 'node:util';

const require = createRequire(import.meta.url);
const { Handler } = require('./addon.node');
const core = new Handler(readFileSync(new URL('./config.json', import.meta.url), 'utf8'));

const { isArray } = Array;
const { isProxy } = types;
const HASH_HEADER = core.hashHeader;
const HEADERS_WITH_BODY = core.headersRead(true);
const HEADERS_WITHOUT_BODY = core.headersRead(false);
if (HEADERS_WITH_BODY.length > 3 || HEADERS_WITHOUT_BODY.length > 3) {
  throw new Error('body-hash: the core reads more headers than decideValues takes');
}

/** Whether any decision is logged: at `off` no line is ever asked for. */
const LOGS_DECISIONS = core.decisionLog !== 'off';

/** Writes the line the call that decided kept, if the level kept one. */
function logDecision() {
  if (!LOGS_DECISIONS) return;
  const line = core.takeDecisionLog();
  if (line !== null) console.log(line);
}

/** A header whose entry list is not absent or one plain entry: only `handle` reads it. */
const OTHER_SHAPE = Symbol('other shape');

/** What the addon's `as_record` accepts without a second look: an object, not null, no array. */
const isRecord = (v) => typeof v === 'object' && v !== null && !isArray(v);

/** The `value` of the only entry of header `name`, `undefined` if absent, else OTHER_SHAPE. */
function onlyValue(headers, name) {
  if (name === undefined) return undefined;
  const entries = headers[name];
  if (entries === undefined) return undefined;
  // A Proxy is not an array to the addon: it must be refused there, before any trap runs.
  if (!isArray(entries) || isProxy(entries) || entries.length !== 1) return OTHER_SHAPE;
  const entry = entries[0];
  if (!isRecord(entry)) return OTHER_SHAPE;
  // A missing `value` is not an absent header: the addon refuses it.
  const value = entry.value;
  return typeof value === 'string' ? value : OTHER_SHAPE;
}

/** Whether a body member is of its type or absent; else `handle` reads (and refuses) it. */
const isOptional = (v, type) => v === undefined || typeof v === type;

/** `handle`'s answer for an event not of the plain shape, its decision logged. */
function viaHandle(event) {
  const answer = core.handle(event);
  logDecision();
  return answer;
}

/**
 * Returns the (edited) request, or a generated response, exactly as Lambda@Edge expects, and logs
 * the decision in one line.
 */
export async function handler(event) {
  const records = event.Records;
  if (!isArray(records) || isProxy(records) || records.length !== 1) return viaHandle(event);
  const record = records[0];
  if (!isRecord(record)) return viaHandle(event);
  const cf = record.cf;
  if (!isRecord(cf)) return viaHandle(event);
  const request = cf.request;
  if (!isRecord(request)) return viaHandle(event);
  // `handle` reads cf.config.requestId right after the request, before the headers.
  const config = cf.config;
  if (config !== undefined && !isRecord(config)) return viaHandle(event);
  const requestId = config?.requestId;
  if (!isOptional(requestId, 'string')) return viaHandle(event);
  const headers = request.headers;
  if (!isRecord(headers)) return viaHandle(event);
  const body = request.body;
  let encoding, inputTruncated, data;
  if (body !== undefined) {
    if (!isRecord(body)) return viaHandle(event);
    // Read in the addon's order; a member of another type stops the reading right there.
    encoding = body.encoding;
    if (!isOptional(encoding, 'string')) return viaHandle(event);
    inputTruncated = body.inputTruncated;
    if (!isOptional(inputTruncated, 'boolean')) return viaHandle(event);
    data = body.data;
    if (!isOptional(data, 'string')) return viaHandle(event);
  }
  const names = body === undefined ? HEADERS_WITHOUT_BODY : HEADERS_WITH_BODY;
  const value0 = onlyValue(headers, names[0]);
  if (value0 === OTHER_SHAPE) return viaHandle(event);
  const value1 = onlyValue(headers, names[1]);
  if (value1 === OTHER_SHAPE) return viaHandle(event);
  const value2 = onlyValue(headers, names[2]);
  if (value2 === OTHER_SHAPE) return viaHandle(event);

  const answer = core.decideValues(
    requestId, headers, body !== undefined, encoding, inputTruncated, data, value0, value1, value2,
  );
  logDecision();
  if (typeof answer === 'string') {
    headers[HASH_HEADER] = [{ key: HASH_HEADER, value: answer }];
    return request;
  }
  return answer ?? request;
}
