// The ip-filter bundle logs exactly one JSON line per decision (docs/metrics.md, "Edge decision
// logs") — never the viewer address, not even a prefix of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { captureLog, oneLine } from '../../../shared/edge-napi/test/capture-log.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'ip-filter');
const { handler } = await import(pathToFileURL(join(bundle, 'index.mjs')).href);
const load = (name) => JSON.parse(readFileSync(join(repo, 'fixtures/cloudfront', name), 'utf8'));

async function logged(name) {
  const e = load(name);
  const { config, request } = e.Records[0].cf;
  const { calls } = await captureLog(() => handler(e));
  const line = oneLine(assert, calls);
  assert.equal(line.function, 'ip-filter');
  assert.equal(line.requestId, config.requestId);
  const prefix = request.clientIp.split(/[.:]/).slice(0, 2).join(request.clientIp.includes(':') ? ':' : '.');
  assert.ok(!calls[0][0].includes(prefix), `${prefix} in ${calls[0][0]}`);
  return line;
}

describe('ip-filter decision log', () => {
  it('a Cloudflare address: forward, from-cloudflare', async () => {
    const line = await logged('viewer-request-cloudflare-v4.json');
    assert.deepEqual([line.decision, line.status, line.reason], ['forward', undefined, 'from-cloudflare']);
  });

  it('a Cloudflare IPv6 address: forward, from-cloudflare', async () => {
    const line = await logged('viewer-request-cloudflare-v6.json');
    assert.equal(line.reason, 'from-cloudflare');
  });

  it('a direct address: respond 403, not-from-cloudflare', async () => {
    const line = await logged('viewer-request-direct.json');
    assert.deepEqual([line.decision, line.status, line.reason], ['respond', 403, 'not-from-cloudflare']);
  });
});
