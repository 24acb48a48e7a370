// The KeyValueStore ARNs `checkKeyValueStoreArn` accepts and refuses, judged against the case
// table the Rust rule wrote (`ip_filter_core::kvs_arn`, written by `cargo xtask test` to
// target/edge/kvs-arn.cases.json): the synth check, the edge build and the range sync must agree
// on every ARN, so an ARN the CDK app takes is one the bundle and the Lambda take too.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkKeyValueStoreArn } from '../lib/origin-secret.js';

interface ArnCase { arn: string; accepted: boolean; refused?: string }

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const file = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'kvs-arn.cases.json');

describe('KeyValueStore ARNs: the synth check agrees with the Rust rule', () => {
  it('the case table is there (cargo xtask test writes it)', () => {
    assert.ok(existsSync(file), `${file} is missing: run cargo xtask test (it writes the table before npm test)`);
  });

  const cases: ArnCase[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];

  it('the table has accepted ARNs, and refuses aws-cn and a 65-character id', () => {
    assert.ok(cases.some((c) => c.accepted), JSON.stringify(cases));
    assert.ok(cases.some((c) => c.arn.startsWith('arn:aws-cn:') && !c.accepted), 'an aws-cn case');
    assert.ok(cases.some((c) => /key-value-store\/a{65}$/.test(c.arn) && !c.accepted), 'a 65-character id');
  });

  for (const c of cases) {
    it(`${JSON.stringify(c.arn)}: ${c.accepted ? 'accepted' : `refused (${c.refused})`}`, () => {
      if (c.accepted) assert.equal(checkKeyValueStoreArn(c.arn), c.arn);
      else assert.throws(() => checkKeyValueStoreArn(c.arn), /originSecret\.keyValueStoreArn/);
    });
  }
});
