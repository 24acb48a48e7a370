// Runs the generated CloudFront Function (target/edge/ip-filter.cloudfront.js, from
// `cargo xtask cloudfront-function`) on CloudFront Functions events and checks it agrees, address
// by address, with the Rust core (the ip-filter N-API addon) and with an independent oracle
// (Python's ipaddress, dev/py/ip_filter_oracle.py) on every range boundary, IPv4, IPv6,
// IPv4-mapped and garbage. The interpreter: OAC_KIT_PYTHON, else python3 (as everywhere).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCloudFrontFunction } from '../../../tools/oac-dev/js/cloudfront-function.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const edgeDir = process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge');
const code = readFileSync(join(edgeDir, 'ip-filter.cloudfront.js'), 'utf8');
const bundle = join(edgeDir, 'ip-filter');
const { Handler } = createRequire(import.meta.url)(join(bundle, 'addon.node'));
const config = readFileSync(join(bundle, 'config.json'), 'utf8');
const rust = new Handler(config);

// cloudfront-js-2.0 code is a script, not a module: the loader oac-dev runs it with evaluates it
// in a fresh context (no Node globals, as in CloudFront) and takes its top-level handler.
const { handler: cfHandler } = loadCloudFrontFunction(code, 'ip-filter.cloudfront.js');

const oracle = JSON.parse(execFileSync(process.env.OAC_KIT_PYTHON || 'python3', [
  join(repo, 'dev/py/ip_filter_oracle.py'),
  join(repo, 'shared/cloudflare-ranges/ranges.json'),
  ...JSON.parse(config).extraCidrs,
], { encoding: 'utf8', maxBuffer: 64 << 20 }));

/** A CloudFront Functions viewer-request event. */
function cfEvent(ip) {
  return {
    version: '1.0',
    context: { distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'r1' },
    viewer: { ip },
    request: {
      method: 'GET',
      uri: '/health',
      querystring: {},
      headers: { host: { value: 'api.example.com' }, 'cf-connecting-ip': { value: '172.70.34.12' } },
      cookies: {},
    },
  };
}

/** The CloudFront Function's verdict, checking the response shape on the way. */
function cfVerdict(ip) {
  const event = cfEvent(ip);
  const out = cfHandler(event);
  if (out === event.request) return true;
  assert.equal(out.statusCode, 403);
  return false;
}

/** The Rust core's verdict through the Lambda@Edge adapter. */
function rustVerdict(ip) {
  const event = { Records: [{ cf: { config: { eventType: 'viewer-request' }, request: { clientIp: ip, headers: {}, method: 'GET', querystring: '', uri: '/' } } }] };
  const out = rust.handle(event);
  if (out === event.Records[0].cf.request) return true;
  assert.equal(out.status, '403');
  return false;
}

describe('generated CloudFront Function', () => {
  it('is under CloudFront\'s 10 KB limit', () => {
    assert.ok(Buffer.byteLength(code, 'utf8') <= 10 * 1024, `${code.length} bytes`);
  });

  it('is a cloudfront-js-2.0 viewer-request script: function handler(event), no imports', () => {
    assert.match(code, /^function handler\(event\) \{$/m);
    assert.doesNotMatch(code, /\bimport\b|\brequire\(|\bexport\b/);
    assert.match(code, /event\.viewer\.ip/);
  });

  it(`agrees with the oracle and the Rust core on ${oracle.length} addresses`, () => {
    assert.ok(oracle.length > 5000);
    assert.ok(oracle.filter(([, allowed]) => allowed).length > 1000, 'too few allowed addresses');
    const disagreements = [];
    for (const [ip, expected] of oracle) {
      const cf = cfVerdict(ip);
      const rs = rustVerdict(ip);
      if (cf !== expected || rs !== expected) disagreements.push({ ip, expected, cf, rust: rs });
    }
    assert.deepEqual(disagreements.slice(0, 20), []);
  });

  // The function reads addresses character code by character code: every ASCII character (and a
  // few look-alikes) put in or swapped into Cloudflare addresses must get the Rust core's verdict.
  it('agrees with the Rust core on Cloudflare addresses with any one character added or changed', () => {
    const chars = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), '\u0660', '\uff10', '\u212a'];
    const bases = ['173.245.48.10', '::ffff:173.245.48.10', '2606:4700::6810:84e5', '2400:cb00:0:0:0:0:0:1', '2a06:98c0::'];
    const disagreements = [];
    for (const base of bases) {
      for (let at = 0; at <= base.length; at++) {
        for (const c of chars) {
          for (const ip of [base.slice(0, at) + c + base.slice(at), base.slice(0, at) + c + base.slice(at + 1)]) {
            const cf = cfVerdict(ip);
            const rs = rustVerdict(ip);
            if (cf !== rs) disagreements.push({ ip, cf, rust: rs });
          }
        }
      }
    }
    assert.deepEqual(disagreements.slice(0, 20), []);
  });

  it('answers a rejection with the Rust core\'s 403 problem+json', () => {
    const out = cfHandler(cfEvent('203.0.113.9'));
    const lambda = rust.handle({ Records: [{ cf: { request: { clientIp: '203.0.113.9' } } }] });
    assert.equal(out.statusCode, 403);
    assert.equal(out.statusDescription, lambda.statusDescription);
    // The function's objects come from another realm (its vm context): compare as JSON.
    const plain = (v) => JSON.parse(JSON.stringify(v));
    assert.deepEqual(plain(out.headers), {
      'content-type': { value: 'application/problem+json' },
      'cache-control': { value: 'no-store' },
    });
    assert.deepEqual(plain(out.body), { encoding: 'text', data: lambda.body });
    assert.equal(JSON.parse(out.body.data).type, 'urn:oac-kit:problem:not-from-cloudflare');
  });

  it('passes a Cloudflare request through as the same object, changed only by x-forwarded-host', () => {
    const event = cfEvent('2606:4700:10::6816:1a2b');
    const pristine = structuredClone(event.request);
    const out = cfHandler(event);
    assert.equal(out, event.request);
    pristine.headers['x-forwarded-host'] = { value: 'api.example.com' };
    assert.deepEqual(JSON.parse(JSON.stringify(out)), pristine);
  });

  for (const [why, viewer] of [
    ['no viewer object', undefined],
    ['viewer without ip', {}],
    ['ip null', { ip: null }],
    ['ip a number', { ip: 1745879041 }],
    ['ip an array', { ip: ['172.70.34.12'] }],
    ['ip an object with toString', { ip: { toString: () => '172.70.34.12' } }],
  ]) {
    it(`rejects ${why}`, () => {
      const event = cfEvent('172.70.34.12');
      if (viewer === undefined) delete event.viewer;
      else event.viewer = viewer;
      assert.equal(cfHandler(event).statusCode, 403);
    });
  }

  it('ignores CF-Connecting-IP: a direct caller claiming a Cloudflare address is rejected', () => {
    const event = cfEvent('203.0.113.9');
    event.request.headers['x-forwarded-for'] = { value: '172.70.34.12' };
    assert.equal(cfHandler(event).statusCode, 403);
  });
});
