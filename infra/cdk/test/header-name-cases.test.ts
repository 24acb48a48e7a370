// The origin secret header names `checkHeaderName` accepts and refuses, judged against the case
// table the Rust rule wrote (`ip_filter_core::origin_secret::check_header_name`, written by
// `cargo xtask test` to target/edge/origin-secret-header.cases.json): the synth check and the
// build check must agree on every name, so neither can drift from CloudFront's header lists.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLOUDFRONT_OWNED, CLOUDFRONT_OWNED_PREFIXES, checkHeaderName } from '../lib/origin-secret.js';

interface HeaderNameCase { name: string; accepted: boolean; refused?: string }

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const file = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'origin-secret-header.cases.json');

describe('origin secret header names: the synth check agrees with the Rust rule', () => {
  it('the case table is there (cargo xtask test writes it)', () => {
    assert.ok(existsSync(file), `${file} is missing: run cargo xtask test (it writes the table before npm test)`);
  });

  const cases: HeaderNameCase[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];

  it('the table has accepted and refused names', () => {
    assert.ok(cases.some((c) => c.accepted) && cases.some((c) => !c.accepted), JSON.stringify(cases));
  });

  it('every name and prefix the TypeScript copy lists is a case the Rust rule refuses (no name of its own)', () => {
    const refused = new Set(cases.filter((c) => !c.accepted).map((c) => c.name));
    const listed = [...CLOUDFRONT_OWNED, ...CLOUDFRONT_OWNED_PREFIXES.map((p) => `${p}secret`)];
    assert.deepEqual(listed.filter((name) => !refused.has(name)), []);
  });

  for (const c of cases) {
    it(`${JSON.stringify(c.name)}: ${c.accepted ? 'accepted' : `refused (${c.refused})`}`, () => {
      if (c.accepted) assert.equal(checkHeaderName(c.name), c.name);
      else assert.throws(() => checkHeaderName(c.name), /originSecret\.headerName/);
    });
  }
});
