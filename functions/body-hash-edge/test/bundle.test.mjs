// Runs the built body-hash edge bundle (target/edge/body-hash, from `cargo xtask edge`) exactly as
// Lambda@Edge would: import index.mjs, call handler(event). Expected hashes come from Node's own
// crypto, not from the code under test.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'body-hash');
const fixtures = join(repo, 'fixtures/cloudfront');
const { handler } = await import(pathToFileURL(join(bundle, 'index.mjs')).href);
const { Handler } = createRequire(import.meta.url)(join(bundle, 'addon.node'));

const HASH = 'x-amz-content-sha256';
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const load = (name) => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
const clone = (v) => structuredClone(v);

/** An origin-request event around `request` fields (built from the post-json sample). */
function event({ body, headers = {}, drop = [] } = {}) {
  const e = load('origin-request-post-json.json');
  const r = e.Records[0].cf.request;
  if (body === undefined) delete r.body;
  else r.body = body;
  Object.assign(r.headers, headers);
  for (const h of drop) delete r.headers[h];
  return e;
}
const b64 = (bytes) => ({ action: 'read-only', data: bytes.toString('base64'), encoding: 'base64', inputTruncated: false });
const header = (key, value) => ({ [key.toLowerCase()]: [{ key, value }] });

function expectForwarded(out, input, expectedHash) {
  assert.equal(out.status, undefined, `unexpected generated response: ${out.body}`);
  assert.deepEqual(out.headers[HASH], [{ key: HASH, value: expectedHash }]);
  // Everything but the hash header is exactly what CloudFront sent, in the same order.
  const expected = clone(input.Records[0].cf.request);
  expected.headers[HASH] = out.headers[HASH];
  assert.deepEqual(out, expected);
  assert.deepEqual(Object.keys(out.headers), Object.keys(expected.headers));
}

/** Forwarded exactly as CloudFront sent it: every member, header and entry, in order. */
function expectUnchanged(out, input) {
  assert.equal(out.status, undefined, `unexpected generated response: ${out.body}`);
  assert.deepEqual(out, input.Records[0].cf.request);
  assert.deepEqual(Object.keys(out.headers), Object.keys(input.Records[0].cf.request.headers));
}

/** The viewer's x-amz-content-sha256 when it is exactly one value of 64 lowercase hex digits. */
function viewerClaim(headers) {
  const entries = headers[HASH] ?? [];
  return entries.length === 1 && /^[0-9a-f]{64}$/.test(entries[0].value) ? entries[0].value : undefined;
}

function expectProblem(out, status, type) {
  assert.equal(out.status, String(status));
  assert.equal(out.bodyEncoding, 'text');
  assert.equal(out.headers['content-type'][0].value, 'application/problem+json');
  assert.equal(out.headers['cache-control'][0].value, 'no-store');
  const problem = JSON.parse(out.body);
  assert.equal(problem.type, `urn:oac-kit:problem:${type}`);
  assert.equal(problem.status, status);
  assert.ok(problem.title);
}

describe('body-hash bundle on the sample events', () => {
  for (const name of readdirSync(fixtures).filter((n) => n.startsWith('origin-request')).sort()) {
    it(name, async () => {
      const input = load(name);
      const body = input.Records[0].cf.request.body;
      const out = await handler(clone(input));
      // The documented policy: a truncated body goes on only with the viewer's well-formed hash;
      // a complete one with its own hash, unless the viewer claimed another.
      const claim = viewerClaim(input.Records[0].cf.request.headers);
      if (body?.inputTruncated) {
        return claim ? expectUnchanged(out, input) : expectProblem(out, 413, 'body-truncated');
      }
      const bytes = !body ? Buffer.alloc(0)
        : body.encoding === 'text' ? Buffer.from(body.data, 'utf8')
        : Buffer.from(body.data, 'base64');
      if (body && claim && claim !== sha256(bytes)) return expectProblem(out, 400, 'content-sha256-mismatch');
      expectForwarded(out, input, sha256(bytes));
    });
  }
});

describe('body-hash bundle hashes the exact bytes', () => {
  it('binary body with every byte value', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
    const input = event({ body: b64(bytes) });
    expectForwarded(await handler(clone(input)), input, sha256(bytes));
  });

  it('text body with multi-byte UTF-8', async () => {
    const text = 'Zoë ✓ 𝄞 日本語 — ünïcödé';
    const input = event({ body: { action: 'read-only', data: text, encoding: 'text', inputTruncated: false } });
    expectForwarded(await handler(clone(input)), input, sha256(Buffer.from(text, 'utf8')));
  });

  it('empty body', async () => {
    const input = event({ body: b64(Buffer.alloc(0)) });
    expectForwarded(await handler(clone(input)), input, sha256(Buffer.alloc(0)));
  });

  it('1 MiB body (the most CloudFront passes whole)', async () => {
    const bytes = randomBytes(1 << 20);
    const input = event({ body: b64(bytes) });
    expectForwarded(await handler(clone(input)), input, sha256(bytes));
  });

  it('body member without data or encoding (CloudFront defaults)', async () => {
    const input = event({ body: { inputTruncated: false } });
    expectForwarded(await handler(clone(input)), input, sha256(Buffer.alloc(0)));
  });

  it('no body member and nothing declared: GET/HEAD/empty DELETE', async () => {
    const input = event({ body: undefined });
    expectForwarded(await handler(clone(input)), input, sha256(Buffer.alloc(0)));
  });

  it('no body member with content-length 0', async () => {
    const input = event({ body: undefined, headers: header('Content-Length', '0') });
    expectForwarded(await handler(clone(input)), input, sha256(Buffer.alloc(0)));
  });

  it('keeps a viewer-supplied hash that matches the body', async () => {
    const input = event({ body: b64(Buffer.from('hello')), headers: header('X-Amz-Content-Sha256', sha256(Buffer.from('hello'))) });
    expectForwarded(await handler(clone(input)), input, sha256(Buffer.from('hello')));
  });

  it('replaces an uppercase viewer hash (not a claim Lambda would accept) with the computed one', async () => {
    const hello = Buffer.from('hello');
    const input = event({ body: b64(hello), headers: header('X-Amz-Content-Sha256', sha256(hello).toUpperCase()) });
    expectForwarded(await handler(clone(input)), input, sha256(hello));
  });

  it('replaces an unsigned-payload viewer hash', async () => {
    const input = event({ body: b64(Buffer.from('hello')), headers: header('X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD') });
    expectForwarded(await handler(clone(input)), input, sha256(Buffer.from('hello')));
  });
});

describe('body-hash bundle rejection paths', () => {
  it('truncated body without x-amz-content-sha256 → 413 telling how to send it', async () => {
    const body = { ...b64(randomBytes(1024)), inputTruncated: true };
    const out = await handler(event({ body }));
    expectProblem(out, 413, 'body-truncated');
    assert.match(JSON.parse(out.body).detail, /SHA-256 of the whole body.*x-amz-content-sha256/);
  });

  for (const [why, entries] of [
    ['UNSIGNED-PAYLOAD', [{ key: 'X-Amz-Content-Sha256', value: 'UNSIGNED-PAYLOAD' }]],
    ['uppercase hex', [{ key: 'X-Amz-Content-Sha256', value: sha256(Buffer.from('x')).toUpperCase() }]],
    ['63 digits', [{ key: 'X-Amz-Content-Sha256', value: sha256(Buffer.from('x')).slice(1) }]],
    ['two entries', [{ key: 'X-Amz-Content-Sha256', value: sha256(Buffer.from('x')) }, { key: 'X-Amz-Content-Sha256', value: sha256(Buffer.from('x')) }]],
  ]) {
    it(`truncated body with an unusable x-amz-content-sha256 (${why}) → 413`, async () => {
      const body = { ...b64(randomBytes(1024)), inputTruncated: true };
      expectProblem(await handler(event({ body, headers: { [HASH]: entries } })), 413, 'body-truncated');
    });
  }

  it('truncated body with one well-formed x-amz-content-sha256 → forwarded unchanged', async () => {
    const whole = randomBytes(2 << 20);
    const body = { ...b64(whole.subarray(0, 1 << 20)), inputTruncated: true };
    const input = event({ body, headers: header('X-Amz-Content-Sha256', sha256(whole)) });
    expectUnchanged(await handler(clone(input)), input);
  });

  it('complete body with a mismatching x-amz-content-sha256 → 400 naming the header', async () => {
    const input = event({ body: b64(Buffer.from('hello')), headers: header('X-Amz-Content-Sha256', sha256(Buffer.from('hellO'))) });
    const out = await handler(input);
    expectProblem(out, 400, 'content-sha256-mismatch');
    assert.match(JSON.parse(out.body).detail, /x-amz-content-sha256/);
  });

  for (const [why, data] of [
    ['invalid alphabet', 'aGV*bG8='],
    ['missing padding', 'aGVsbG8'],
    ['embedded newline', 'aGVs\nbG8='],
    ['non-canonical trailing bits', 'aGVsbG9='],
    ['padding in the middle', 'QQ==QUFB'],
  ]) {
    it(`invalid base64 (${why}) → 400`, async () => {
      const body = { action: 'read-only', data, encoding: 'base64', inputTruncated: false };
      expectProblem(await handler(event({ body })), 400, 'invalid-body-encoding');
    });
  }

  it('base64 with a character above U+00FF that a Latin-1 copy would read as base64 → 400', async () => {
    // U+0147's low byte is 'G': copied as Latin-1, 'a\u0147VsbG8=' would pass as 'aGVsbG8=' ("hello").
    const body = { action: 'read-only', data: 'a\u0147VsbG8=', encoding: 'base64', inputTruncated: false };
    expectProblem(await handler(event({ body })), 400, 'invalid-body-encoding');
  });

  it('base64 with a non-ASCII character is judged on its exact UTF-8 bytes (the problem names their length)', async () => {
    // 'é' is two UTF-8 bytes: these 4 characters are 5 bytes, not a multiple of 4.
    const body = { action: 'read-only', data: '\u00e9AAA', encoding: 'base64', inputTruncated: false };
    const out = await handler(event({ body }));
    expectProblem(out, 400, 'invalid-body-encoding');
    assert.match(JSON.parse(out.body).detail, /length 5 is not a multiple of 4/);
  });

  // Bodies this large are copied by Node's UTF-8 writer (node_writer.rs), one character per byte.
  it('large base64 with a character above U+00FF that a Latin-1 copy would read as base64 → 400', async () => {
    const body = { action: 'read-only', data: `a\u0147${'A'.repeat(16382)}`, encoding: 'base64', inputTruncated: false };
    expectProblem(await handler(event({ body })), 400, 'invalid-body-encoding');
  });

  it('large base64 starting with a non-ASCII character is judged on its exact UTF-8 bytes', async () => {
    // 16,384 characters, 16,385 UTF-8 bytes: a copy of one byte per character ends one 'A' short.
    const body = { action: 'read-only', data: `\u00e9${'A'.repeat(16383)}`, encoding: 'base64', inputTruncated: false };
    const out = await handler(event({ body }));
    expectProblem(out, 400, 'invalid-body-encoding');
    assert.match(JSON.parse(out.body).detail, /length 16385 is not a multiple of 4/);
  });

  it('large base64 ending with a non-ASCII character is judged on its exact UTF-8 bytes', async () => {
    const body = { action: 'read-only', data: `${'A'.repeat(16383)}\u00e9`, encoding: 'base64', inputTruncated: false };
    const out = await handler(event({ body }));
    expectProblem(out, 400, 'invalid-body-encoding');
    assert.match(JSON.parse(out.body).detail, /length 16385 is not a multiple of 4/);
  });

  it('unknown body encoding → 500', async () => {
    const body = { action: 'read-only', data: 'x', encoding: 'gzip', inputTruncated: false };
    expectProblem(await handler(event({ body })), 500, 'unsupported-body-encoding');
  });

  it('no body member but content-length > 0 (IncludeBody off) → 500', async () => {
    const out = await handler(event({ body: undefined, headers: header('Content-Length', '40') }));
    expectProblem(out, 500, 'include-body-disabled');
    assert.match(JSON.parse(out.body).detail, /IncludeBody/);
  });

  it('no body member but transfer-encoding (IncludeBody off) → 500', async () => {
    const out = await handler(event({ body: undefined, headers: header('Transfer-Encoding', 'chunked') }));
    expectProblem(out, 500, 'include-body-disabled');
  });

  it('unparsable content-length → 400', async () => {
    const out = await handler(event({ body: undefined, headers: header('Content-Length', '12abc') }));
    expectProblem(out, 400, 'invalid-content-length');
  });
});

describe('build-time configuration', () => {
  it('the shipped config.json is the default (no Authorization copy, decision log: refusals)', () => {
    assert.deepEqual(JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')), { decisionLog: 'refusals' });
  });

  it('copies Authorization into the configured header, dropping a spoofed one', () => {
    const core = new Handler(JSON.stringify({ copyAuthorizationTo: 'x-viewer-authorization' }));
    const input = event({
      body: b64(Buffer.from('hi')),
      headers: { ...header('Authorization', 'Bearer t0ken'), ...header('X-Viewer-Authorization', 'spoofed') },
    });
    const out = core.handle(clone(input));
    assert.deepEqual(out.headers['x-viewer-authorization'], [{ key: 'x-viewer-authorization', value: 'Bearer t0ken' }]);
    assert.deepEqual(out.headers.authorization, [{ key: 'Authorization', value: 'Bearer t0ken' }]);
  });

  it('drops the target header when there is no Authorization', () => {
    const core = new Handler(JSON.stringify({ copyAuthorizationTo: 'x-viewer-authorization' }));
    const out = core.handle(event({ body: undefined, headers: header('X-Viewer-Authorization', 'spoofed') }));
    assert.equal(out.headers['x-viewer-authorization'], undefined);
  });

  for (const bad of ['{"copyAuthorizationTo":"via"}', '{"copyAuthorizationTo":"X-Upper"}', '{"unknown":1}', 'not json']) {
    it(`refuses config ${bad} at init`, () => {
      assert.throws(() => new Handler(bad));
    });
  }
});
