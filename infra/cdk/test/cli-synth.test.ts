// The pinned CLI (aws-cdk 2.1148.1) synthesizes the app offline: no AWS credentials, no Docker,
// no network. Build outputs are stand-ins here; the template shape is what is checked.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IP_CHECK_ONLY } from '../lib/oac-protected-api.js';
import { ADDRESS_ONLY_STAND_IN, kvsFunctionStandIn, writeFunction } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const cdkDir = resolve(here, '..');
const cdkCli = join(cdkDir, 'node_modules/aws-cdk/bin/cdk');

function standInTarget(): string {
  const t = mkdtempSync(join(tmpdir(), 'oac-kit-target-'));
  for (const d of ['edge/body-hash', 'edge/ip-filter']) mkdirSync(join(t, d), { recursive: true });
  // Placeholder directories for the Lambdas (the real ones are cargo-lambda's zips): synthesis only stages them.
  for (const l of ['api', 'range-sync', 'cloudflare-setup', 'origin-secret-rotation']) {
    mkdirSync(join(t, 'lambda', l), { recursive: true });
    writeFileSync(join(t, 'lambda', l, 'bootstrap'), '#!/bin/sh\n');
  }
  // Synthesis only stages a zip asset (copies it): any bytes stand in for the bundle.
  writeFileSync(join(t, 'edge/body-hash/body-hash.zip'), 'stand-in\n');
  writeFunction(join(t, 'edge/ip-filter.cloudfront.js'), ADDRESS_ONLY_STAND_IN, null);
  writeFunction(join(t, 'edge/ip-filter-kvs.cloudfront.js'), kvsFunctionStandIn('x-origin-secret'), 'x-origin-secret');
  return t;
}

/** An environment with no AWS credentials to find and the build outputs in `target`. */
function offlineEnv(target: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: mkdtempSync(join(tmpdir(), 'oac-kit-home-')), // no ~/.aws: nothing to find
    OAC_KIT_TARGET_DIR: target,
    OAC_KIT_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
    ...extra,
  };
}

it('cdk synth works offline with no credentials', () => {
  const target = standInTarget();
  const out = mkdtempSync(join(tmpdir(), 'oac-kit-cdk-out-'));
  const env = offlineEnv(target, LAMBDA_DIRS);
  execFileSync(process.execPath, [cdkCli, 'synth', '--quiet', '--no-notices', '--output', out], {
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

/** The Lambdas as directories (cli-synth's stand-ins), not zips. */
const LAMBDA_DIRS = {
  OAC_KIT_API_ZIP: 'lambda/api', OAC_KIT_RANGE_SYNC_ZIP: 'lambda/range-sync',
  OAC_KIT_CLOUDFLARE_SETUP_ZIP: 'lambda/cloudflare-setup', OAC_KIT_ORIGIN_SECRET_ROTATION_ZIP: 'lambda/origin-secret-rotation',
};
const CLOUDFLARE_CONTEXT = {
  cloudflareZoneId: '023e105f4ecef8ad9ca31a8372d0c353', hostnames: 'api.example.com,www.example.com',
  cloudflareApiTokenSecret: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:oac-kit/cloudflare-token-AbCdEf',
};

it('cdk synth with the Cloudflare context: the custom resources, the hostnames, the rotation', () => {
  const out = mkdtempSync(join(tmpdir(), 'oac-kit-cdk-out-'));
  const env = offlineEnv(standInTarget(), LAMBDA_DIRS);
  // As docs/deploying.md gives them: -c name=value on the CLI.
  const context = Object.entries(CLOUDFLARE_CONTEXT).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  execFileSync(process.execPath, [cdkCli, 'synth', '--quiet', '--no-notices', ...context, '--output', out], {
    cwd: cdkDir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000,
  });
  const main = JSON.parse(readFileSync(join(out, 'OacKitApi.template.json'), 'utf8'));
  const resources = Object.values(main.Resources as Record<string, { Type: string; Properties: any }>);
  const zone = resources.find((r) => r.Type === 'Custom::OacKitCloudflareZone');
  assert.deepEqual(zone?.Properties.Hostnames, ['api.example.com', 'www.example.com']);
  assert.equal(zone?.Properties.ApiTokenSecretArn, CLOUDFLARE_CONTEXT.cloudflareApiTokenSecret);
  assert.ok(resources.some((r) => r.Type === 'Custom::OacKitCloudflareCertificate'));
  assert.ok(resources.some((r) => r.Type === 'AWS::SecretsManager::RotationSchedule'));
  const distribution = resources.find((r) => r.Type === 'AWS::CloudFront::Distribution');
  assert.deepEqual(distribution?.Properties.DistributionConfig.Aliases, ['api.example.com', 'www.example.com']);
});

describe('without the build artifacts', () => {
  const emptyTarget = () => mkdtempSync(join(tmpdir(), 'oac-kit-empty-target-'));
  // The default deployment: origin secret on, so the KVS-mode function and the range-sync Lambda.
  const hint = new RegExp('^oac-kit: build artifacts missing in .* \\(lambda/api/bootstrap\\.zip, edge/body-hash/body-hash\\.zip, ' +
    'edge/ip-filter-kvs\\.cloudfront\\.js, lambda/range-sync/bootstrap\\.zip\\): run `cargo xtask synth`');
  const appWith = (context: object) => spawnSync(process.execPath, ['--import', 'tsx', join(cdkDir, 'bin/app.ts')], {
    cwd: cdkDir, env: offlineEnv(emptyTarget(), { CDK_CONTEXT_JSON: JSON.stringify(context) }), encoding: 'utf8', timeout: 120_000,
  });

  it('the app exits non-zero with one line naming cargo xtask synth', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(cdkDir, 'bin/app.ts')], {
      cwd: cdkDir, env: offlineEnv(emptyTarget()), encoding: 'utf8', timeout: 120_000,
    });
    assert.notEqual(r.status, 0, 'exit code');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
    assert.match(lines[0], hint);
    assert.equal(r.stdout, '');
  });

  it('the lambda-edge filter names its bundle instead of the CloudFront Function', () => {
    const r = appWith({ viewerFilter: 'lambda-edge', kvsArn: 'arn:aws:cloudfront::111122223333:key-value-store/abc' });
    assert.notEqual(r.status, 0, 'exit code');
    assert.match(r.stderr, /body-hash\.zip, edge\/ip-filter\/ip-filter\.zip, lambda\/range-sync\/bootstrap\.zip\): run `cargo xtask synth`/);
  });

  it('with the origin secret opted out: the address-only function and no range-sync Lambda', () => {
    const r = appWith({ originSecret: IP_CHECK_ONLY });
    assert.notEqual(r.status, 0, 'exit code');
    assert.match(r.stderr, /body-hash\.zip, edge\/ip-filter\.cloudfront\.js\): run `cargo xtask synth`/);
  });

  it('with cloudflare: the custom resource and the rotation Lambdas too; rotationDays=off: no rotation Lambda', () => {
    const r = appWith(CLOUDFLARE_CONTEXT);
    assert.notEqual(r.status, 0, 'exit code');
    assert.match(r.stderr, /lambda\/range-sync\/bootstrap\.zip, lambda\/cloudflare-setup\/bootstrap\.zip, lambda\/origin-secret-rotation\/bootstrap\.zip\): run/);
    const off = appWith({ ...CLOUDFLARE_CONTEXT, rotationDays: 'off' });
    assert.match(off.stderr, /lambda\/range-sync\/bootstrap\.zip, lambda\/cloudflare-setup\/bootstrap\.zip\): run/);
  });

  it('with viewerMtls=on: the Connection Function too; without-origin-secret: the address-only filter, no range sync, no rotation', () => {
    const on = appWith({ ...CLOUDFLARE_CONTEXT, viewerMtls: 'on' });
    assert.notEqual(on.status, 0, 'exit code');
    assert.match(on.stderr, /lambda\/origin-secret-rotation\/bootstrap\.zip, edge\/viewer-mtls\.connection\.js\): run/);
    const alone = appWith({ ...CLOUDFLARE_CONTEXT, viewerMtls: 'without-origin-secret' });
    assert.match(alone.stderr, /body-hash\.zip, edge\/ip-filter\.cloudfront\.js, lambda\/cloudflare-setup\/bootstrap\.zip, edge\/viewer-mtls\.connection\.js\): run/);
  });

  it('an unknown viewerMtls value: one line naming the two', () => {
    const r = appWith({ ...CLOUDFLARE_CONTEXT, viewerMtls: 'yes' });
    assert.notEqual(r.status, 0, 'exit code');
    assert.match(r.stderr.trimEnd(), /^oac-kit: -c viewerMtls=yes: 'on' or 'without-origin-secret'$/);
  });

  it('Cloudflare settings given in part: one line naming all three', () => {
    const r = appWith({ cloudflareZoneId: CLOUDFLARE_CONTEXT.cloudflareZoneId });
    assert.notEqual(r.status, 0, 'exit code');
    assert.match(r.stderr.trimEnd(), /^oac-kit: the Cloudflare settings go together: -c cloudflareZoneId=.* -c hostnames=.* -c cloudflareApiTokenSecret=/);
  });

  it('cdk synth prints the hint, no stack trace, and fails', () => {
    const r = spawnSync(process.execPath, [cdkCli, 'synth', '--quiet', '--no-notices', '--output', mkdtempSync(join(tmpdir(), 'oac-kit-cdk-out-'))], {
      cwd: cdkDir, env: offlineEnv(emptyTarget()), encoding: 'utf8', timeout: 240_000,
    });
    assert.notEqual(r.status, 0, 'exit code');
    const lines = r.stderr.trimEnd().split('\n');
    // The app's line, then the CLI's own "<app command>: Subprocess exited with error 1".
    assert.match(lines[0], hint, r.stderr);
    assert.deepEqual(lines.slice(1).filter((l) => !/Subprocess exited with error 1$/.test(l)), [], r.stderr);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  });
});
