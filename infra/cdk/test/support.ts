// Shared by the CDK tests: stand-ins for the build outputs, the test stack, one synthesized stack.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConnectionFunctionSidecar, FunctionSidecar, sidecarPath } from '../lib/function-sidecar.js';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CloudflareProps, OacArtifacts, OacProtectedApi, OacProtectedApiProps, ViewerMtlsProps } from '../lib/oac-protected-api.js';

/** A store ARN as `cargo xtask edge --kvs-arn` would bake it. */
export const STORE_ARN = 'arn:aws:cloudfront::111122223333:key-value-store/9c6b5a4e-1f2d-4c3b-8a7e-6d5c4b3a2f10';

/** What the stand-in artifacts were "built" with. */
export interface BuiltWith {
  /** The header baked into the KVS-mode CloudFront Function. Default `x-origin-secret`. */
  readonly kvsFunctionHeader?: string;
  /** The Lambda@Edge bundle's `config.json`. Default `{}` (no store). */
  readonly bundleConfig?: object;
}

/** A stand-in for the generated KVS-mode function (shared/ip-filter-cloudfront-function, `kvs`). */
export function kvsFunctionStandIn(header: string): string {
  return `import cf from 'cloudfront';\nvar SECRET_HEADER = ${JSON.stringify(header)};\nvar kvs = cf.kvs();\n` +
    'async function handler(event) { return event.request; }\n';
}

/** A stand-in for the generated address-only function. */
export const ADDRESS_ONLY_STAND_IN = 'function handler(event) { return event.request; }\n';

/**
 * Writes `code` to `file` and, beside it, the sidecar `cargo xtask cloudfront-function` would
 * write for a function checking `secretHeader` (reading the store when there is one).
 */
export function writeFunction(file: string, code: string, secretHeader: string | null): void {
  writeFileSync(file, code);
  const sidecar: FunctionSidecar = {
    secretHeader,
    readsKvs: secretHeader !== null,
    sizeBytes: Buffer.byteLength(code),
    sha256: createHash('sha256').update(code).digest('hex'),
  };
  writeFileSync(sidecarPath(file), `${JSON.stringify(sidecar, null, 2)}\n`);
}

/** A stand-in for the generated viewer-mTLS Connection Function (contract 3: entry point, `cloudfront` import). */
export const CONNECTION_FUNCTION_STAND_IN = "import cf from 'cloudfront';\n" +
  'async function connectionHandler(connection) { const kvs = cf.kvs(); ' +
  "if (await kvs.exists('serial:' + connection.clientCertInfo.serialNumber)) { connection.allow(); } else { connection.deny(); } }\n";

/** Writes `code` to `file` and the sidecar `cargo xtask cloudfront-function` writes for a Connection Function, changed by `overrides`. */
export function writeConnectionFunction(file: string, code: string, overrides: Partial<Record<keyof ConnectionFunctionSidecar, unknown>> = {}): void {
  writeFileSync(file, code);
  const sidecar = {
    kind: 'connection', kvsKeyPrefix: 'serial:', readsKvs: true,
    sizeBytes: Buffer.byteLength(code), sha256: createHash('sha256').update(code).digest('hex'),
    ...overrides,
  };
  writeFileSync(sidecarPath(file), `${JSON.stringify(sidecar, null, 2)}\n`);
}

/** The `lambda_runtime` functions the construct may deploy (their directories under `target/lambda`). */
const LAMBDAS = ['api', 'range-sync', 'cloudflare-setup', 'origin-secret-rotation'];

/** A zone id and a token secret as an app passes them (`cloudflare`). */
export const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';
export const TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:oac-kit/cloudflare-token-AbCdEf';

/** Small stand-ins for the build outputs (the synth only stages them), one for each member of {@link OacArtifacts}. */
export function artifacts(built: BuiltWith = {}): Required<OacArtifacts> {
  const dir = mkdtempSync(join(tmpdir(), 'oac-kit-cdk-'));
  // The Lambdas' stand-ins are directories holding a `bootstrap` (synth stages them; it runs nothing).
  for (const d of LAMBDAS) {
    mkdirSync(join(dir, d));
    writeFileSync(join(dir, d, 'bootstrap'), '#!/bin/sh\n');
  }
  for (const d of ['body-hash', 'ip-filter']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'body-hash/index.mjs'), 'export async function handler(e) { return e; }\n');
  writeFileSync(join(dir, 'ip-filter/index.mjs'), 'export async function handler(e) { return e; }\n');
  writeFileSync(join(dir, 'ip-filter/config.json'), JSON.stringify(built.bundleConfig ?? {}));
  writeFunction(join(dir, 'ip-filter.cloudfront.js'), ADDRESS_ONLY_STAND_IN, null);
  const header = built.kvsFunctionHeader ?? 'x-origin-secret';
  writeFunction(join(dir, 'ip-filter-kvs.cloudfront.js'), kvsFunctionStandIn(header), header);
  writeConnectionFunction(join(dir, 'viewer-mtls.connection.js'), CONNECTION_FUNCTION_STAND_IN);
  return {
    apiCode: join(dir, 'api'),
    bodyHashBundle: join(dir, 'body-hash'),
    ipFilterBundle: join(dir, 'ip-filter'),
    ipFilterCloudFrontFunction: join(dir, 'ip-filter.cloudfront.js'),
    ipFilterKvsCloudFrontFunction: join(dir, 'ip-filter-kvs.cloudfront.js'),
    rangeSyncCode: join(dir, 'range-sync'),
    cloudflareSetupCode: join(dir, 'cloudflare-setup'),
    originSecretRotationCode: join(dir, 'origin-secret-rotation'),
    viewerMtlsConnectionFunction: join(dir, 'viewer-mtls.connection.js'),
  };
}

/** A zip of `files` (deflated like `cargo xtask edge` writes them, or stored), as a stand-in for `ip-filter.zip`. */
export function zipOf(files: Record<string, string>, method: 'deflate' | 'store' = 'deflate'): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const plain = Buffer.from(text);
    const data = method === 'deflate' ? deflateRawSync(plain) : plain;
    const methodId = method === 'deflate' ? 8 : 0;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(methodId, 8);
    local.writeUInt32LE(crc32(plain), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(plain.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(methodId, 10);
    central.writeUInt32LE(crc32(plain), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(plain.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export interface Synth { app: App; stack: Stack; template: Template; api: OacProtectedApi }

/** An app that bundles nothing (offline synthesis) holding stack `Test` of account 111122223333. */
export function testStack(region: string, outdir?: string): { app: App; stack: Stack } {
  const app = new App({ outdir, postCliContext: { 'aws:cdk:bundling-stacks': [] } });
  return { app, stack: new Stack(app, 'Test', { env: { account: '111122223333', region } }) };
}

/** One stack (account 111122223333) holding one construct `Api` with a Lambda origin unless told. */
export function synth(
  props: Partial<OacProtectedApiProps> = {},
  region = 'eu-west-1',
  mutate?: (api: OacProtectedApi) => void,
  built: BuiltWith = {},
): Synth {
  const { app, stack } = testStack(region);
  const api = new OacProtectedApi(stack, 'Api', { artifacts: artifacts(built), lambdaOrigin: {}, ...props });
  mutate?.(api);
  return { app, stack, template: Template.fromStack(stack), api };
}

/** The Lambdalith's environment (the function with the construct's `STORE` setting). */
export function apiVariables(template: Template): Record<string, string> {
  const fns = Object.values(template.findResources('AWS::Lambda::Function', {
    Properties: { Runtime: 'provided.al2023', Environment: { Variables: Match.objectLike({ STORE: 'dynamodb' }) } },
  }));
  assert.equal(fns.length, 1, 'one Lambdalith');
  return fns[0].Properties.Environment.Variables;
}

/** Where the range sync's alarms are: logical ids under `Api/RangeSync` (the chain's own alarms are elsewhere). */
export const RANGE_SYNC_ALARM_PREFIX = 'ApiRangeSync';

/** The range sync's alarms (lib/range-sync.ts), by logical id; not the chain's (lib/chain-observability.ts). */
export function rangeSyncAlarms(template: Template): [string, any][] {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith(RANGE_SYNC_ALARM_PREFIX));
}

/** The us-east-1 support stack CloudFront's EdgeFunction creates for a stack elsewhere. */
export function edgeStack(app: App): Template {
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c) && c.stackName.startsWith('edge-lambda-stack-'));
  assert.equal(stacks.length, 1, 'one edge support stack');
  assert.equal(stacks[0].region, 'us-east-1');
  return Template.fromStack(stacks[0]);
}

/** Stack `Test` with `Api` (a Lambda origin) given `cloudflare` (api.example.com) and `viewerMtls`. */
export function buildMtls(
  mtls: ViewerMtlsProps = {},
  props: Partial<OacProtectedApiProps> = {},
  cf: Partial<CloudflareProps> = {},
  outdir?: string,
  extend?: (stack: Stack) => void,
) {
  const { app, stack } = testStack('eu-west-1', outdir);
  const apiToken = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Token', TOKEN_SECRET_ARN);
  const cloudflare: CloudflareProps = { zoneId: ZONE_ID, hostnames: ['api.example.com'], apiToken, ...cf };
  const api = new OacProtectedApi(stack, 'Api', { artifacts: artifacts(), lambdaOrigin: {}, cloudflare, viewerMtls: mtls, ...props });
  extend?.(stack);
  return { app, stack, api, template: Template.fromStack(stack) };
}
