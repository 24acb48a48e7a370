// What the KVS-mode tests of the ip-filter bundle share: a fresh copy of the bundle with a
// config.json pointing at the loopback GetKey server (getkey-server.mjs), sample events, and the
// two answers a viewer can get.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWith } from '../../../shared/edge-napi/test/bundle-copy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
export const bundle = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'ip-filter');
const fixtures = join(repo, 'fixtures/cloudfront');
export const { Handler } = createRequire(import.meta.url)(join(bundle, 'addon.node'));

export const ARN = 'arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978';
export const CURRENT = 'k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa';
export const NEXT = 'Zp4s9TqX2mVb7nK1cR8wL3yH6gF0dJ5e';
export const CLOUDFLARE = '104.16.0.1';
export const KVS_ONLY = '9.9.9.9';
export const START = Date.UTC(2026, 0, 1);

/**
 * A fresh copy of the bundle whose config.json reads the store at `endpoint` (`extra` overrides
 * or adds members); resolves to its handler.
 */
export function kvsBundle(endpoint, extra = {}) {
  return bundleWith(bundle, { extraCidrs: [], kvsArn: ARN, refreshSeconds: 60, kvsEndpoint: endpoint, ...extra });
}

/** A viewer-request event from `clientIp` with one `x-origin-secret` entry per secret. */
export function event(clientIp, secrets = []) {
  const e = JSON.parse(readFileSync(join(fixtures, 'viewer-request-direct.json'), 'utf8'));
  const r = e.Records[0].cf.request;
  r.clientIp = clientIp;
  if (secrets.length) r.headers['x-origin-secret'] = secrets.map((value) => ({ key: 'X-Origin-Secret', value }));
  return e;
}

/** The request itself came back, without the secret header. */
export function expectForwarded(out, input) {
  assert.equal(out.status, undefined, `unexpected generated response: ${out.body}`);
  assert.equal(out, input.Records[0].cf.request);
  assert.equal(out.headers['x-origin-secret'], undefined, 'the origin must not see the secret');
}

/** The uniform 403. */
export function expectForbidden(out) {
  assert.equal(out.status, '403');
  assert.equal(JSON.parse(out.body).type, 'urn:oac-kit:problem:not-from-cloudflare');
}

/** The credentials the bundle signs GetKey with (Lambda puts them in the environment). */
export function setCredentials() {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  process.env.AWS_SESSION_TOKEN = 'session-token-example';
}
