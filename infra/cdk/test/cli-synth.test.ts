// The pinned CLI (aws-cdk 2.1148.1) synthesizes the app offline: no AWS credentials, no Docker,
// no network. Build outputs are stand-ins here; the template shape is what is checked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kvsFunctionStandIn } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const cdkDir = resolve(here, '..');
const repoTarget = resolve(cdkDir, '../../target');

function standInTarget(): string {
  const t = mkdtempSync(join(tmpdir(), 'oac-kit-target-'));
  for (const d of ['lambda/api', 'lambda/range-sync', 'edge/body-hash', 'edge/ip-filter']) mkdirSync(join(t, d), { recursive: true });
  writeFileSync(join(t, 'lambda/api/bootstrap'), '#!/bin/sh\n');
  writeFileSync(join(t, 'lambda/range-sync/bootstrap'), '#!/bin/sh\n');
  const real = join(repoTarget, 'edge/body-hash/body-hash.zip');
  if (existsSync(real)) copyFileSync(real, join(t, 'edge/body-hash/body-hash.zip'));
  else writeFileSync(join(t, 'edge/body-hash/index.mjs'), 'export const handler = async (e) => e;\n');
  writeFileSync(join(t, 'edge/ip-filter.cloudfront.js'), 'function handler(event) { return event.request; }\n');
  writeFileSync(join(t, 'edge/ip-filter-kvs.cloudfront.js'), kvsFunctionStandIn('x-origin-secret'));
  return t;
}

it('cdk synth works offline with no credentials', () => {
  const target = standInTarget();
  const out = mkdtempSync(join(tmpdir(), 'oac-kit-cdk-out-'));
  const home = mkdtempSync(join(tmpdir(), 'oac-kit-home-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home, // no ~/.aws: nothing to find
    OAC_KIT_TARGET_DIR: target,
    OAC_KIT_API_ZIP: 'lambda/api',
    OAC_KIT_RANGE_SYNC_ZIP: 'lambda/range-sync',
    OAC_KIT_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
  };
  execFileSync(process.execPath, [join(cdkDir, 'node_modules/aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices', '--output', out], {
    cwd: cdkDir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000,
  });
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const stacks = Object.entries(manifest.artifacts as Record<string, { type: string; environment?: string }>)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const names = stacks.map(([n]) => n).sort();
  assert.ok(names.includes('OacKitApi'), `stacks: ${names}`);
  const edge = stacks.find(([n]) => n.startsWith('edge-lambda-stack-'));
  assert.ok(edge, `a us-east-1 support stack for Lambda@Edge: ${names}`);
  assert.match(edge[1].environment ?? '', /\/us-east-1$/);
  const templates = readdirSync(out).filter((f) => f.endsWith('.template.json'));
  const main = JSON.parse(readFileSync(join(out, 'OacKitApi.template.json'), 'utf8'));
  const types = Object.values(main.Resources as Record<string, { Type: string }>).map((r) => r.Type);
  for (const t of [
    'AWS::CloudFront::Distribution', 'AWS::Lambda::Url', 'AWS::CloudFront::OriginAccessControl', 'AWS::CloudFront::Function',
    'AWS::CloudFront::KeyValueStore', 'AWS::SecretsManager::Secret', 'AWS::Events::Rule', 'AWS::CloudWatch::Alarm',
  ]) {
    assert.ok(types.includes(t), `${t} in ${templates}`);
  }
});
