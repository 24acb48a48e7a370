// The ip-filter bundle logs one JSON line per decision its build-time level logs (docs/metrics.md,
// "Edge decision logs"): `all` every decision, `refusals` (the default) only the 403s, `off`
// none — and never the viewer address, not even a prefix of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleWith } from '../../../shared/edge-napi/test/bundle-copy.mjs';
import { captureLog, oneLine } from '../../../shared/edge-napi/test/capture-log.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'ip-filter');
const built = await import(pathToFileURL(join(bundle, 'index.mjs')).href);
const load = (name) => JSON.parse(readFileSync(join(repo, 'fixtures/cloudfront', name), 'utf8'));
const atLevel = (decisionLog) => bundleWith(bundle, { decisionLog, extraCidrs: [] });
const FORWARDED = ['viewer-request-cloudflare-v4.json', 'viewer-request-cloudflare-v6.json'];
const REFUSED = 'viewer-request-direct.json';

/** The one line `handler` logs for fixture `name`, checked for the address. */
async function logged(handler, name) {
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

/** How many console.log calls `handler` makes for fixture `name`. */
async function lines(handler, name) {
  return (await captureLog(() => handler(load(name)))).calls.length;
}

describe('ip-filter decision log at level all', async () => {
  const handler = await atLevel('all');

  it('a Cloudflare address: forward, from-cloudflare', async () => {
    const line = await logged(handler, FORWARDED[0]);
    assert.deepEqual([line.decision, line.status, line.reason], ['forward', undefined, 'from-cloudflare']);
  });

  it('a Cloudflare IPv6 address: forward, from-cloudflare', async () => {
    assert.equal((await logged(handler, FORWARDED[1])).reason, 'from-cloudflare');
  });

  it('a direct address: respond 403, not-from-cloudflare', async () => {
    const line = await logged(handler, REFUSED);
    assert.deepEqual([line.decision, line.status, line.reason], ['respond', 403, 'not-from-cloudflare']);
  });
});

describe('ip-filter decision log at level refusals (the default build)', () => {
  it('the bundle cargo xtask edge builds says refusals', () => {
    assert.equal(JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')).decisionLog, 'refusals');
  });

  it('a forwarded request: no line', async () => {
    for (const name of FORWARDED) assert.equal(await lines(built.handler, name), 0, name);
  });

  it('a direct address: its 403 line', async () => {
    assert.equal((await logged(built.handler, REFUSED)).reason, 'not-from-cloudflare');
  });
});

describe('ip-filter decision log at level off', () => {
  it('no line, forwarded or refused', async () => {
    const handler = await atLevel('off');
    for (const name of [...FORWARDED, REFUSED]) assert.equal(await lines(handler, name), 0, name);
  });

  it('a level that is not one fails the init', async () => {
    await assert.rejects(atLevel('some'), /decisionLog/);
  });
});
