// The origin secret with the Lambda@Edge filter, and every configuration refused at synth: one
// reason a test.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { IP_CHECK_ONLY, OacProtectedApiProps } from '../lib/oac-protected-api.js';
import { BuiltWith, STORE_ARN, artifacts, edgeStack, kvsFunctionStandIn, synth, writeFunction, zipOf } from './support.js';

const edge = (extra: Partial<OacProtectedApiProps> = {}): Partial<OacProtectedApiProps> =>
  ({ viewerFilter: 'lambda-edge', originSecret: { keyValueStoreArn: STORE_ARN }, ...extra });
const builtForStore: BuiltWith = { bundleConfig: { kvsArn: STORE_ARN, originSecretHeader: 'x-origin-secret' } };

/** The inline policy statements of the edge functions' role in the us-east-1 support stack. */
function edgeRoleStatements(t: Template): unknown[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('Lambda@Edge filter with the origin secret', () => {
  const { app, template: t } = synth(edge(), 'eu-west-1', undefined, builtForStore);

  it('the edge role may GetKey on the given store, and nothing else on any store', () => {
    assert.deepEqual(edgeRoleStatements(edgeStack(app)), [{ Action: 'cloudfront-keyvaluestore:GetKey', Effect: 'Allow', Resource: STORE_ARN }]);
  });

  it('no store and no CloudFront Function are created; the range-sync Lambda writes the given store', () => {
    t.resourceCountIs('AWS::CloudFront::KeyValueStore', 0);
    t.resourceCountIs('AWS::CloudFront::Function', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { KVS_ARN: STORE_ARN, ORIGIN_SECRET_ID: { Ref: assertSecretId(t) } } } });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    assert.ok(statements.some((s: { Resource: unknown; Action: unknown }) => s.Resource === STORE_ARN && Array.isArray(s.Action) && s.Action.includes('cloudfront-keyvaluestore:UpdateKeys')));
  });

  it('the bundle may be the zip cargo xtask edge writes (config.json read from inside it)', () => {
    const a = artifacts();
    const zip = join(a.ipFilterBundle!, 'ip-filter.zip');
    writeFileSync(zip, zipOf({ 'index.mjs': 'export const handler = async (e) => e;\n', 'config.json': JSON.stringify(builtForStore.bundleConfig) }));
    assert.doesNotThrow(() => synth(edge({ artifacts: { ...a, ipFilterBundle: zip } })));
  });
});

function assertSecretId(t: Template): string {
  const ids = Object.keys(t.findResources('AWS::SecretsManager::Secret'));
  assert.equal(ids.length, 1);
  return ids[0];
}

describe('refused at synth: the Lambda@Edge filter', () => {
  it('no store ARN (Lambda@Edge has no KVS binding)', () => {
    assert.throws(() => synth({ viewerFilter: 'lambda-edge' }, 'eu-west-1', undefined, builtForStore), /needs originSecret\.keyValueStoreArn/);
  });
  it('a store ARN that is not a KeyValueStore ARN', () => {
    assert.throws(() => synth(edge({ originSecret: { keyValueStoreArn: 'arn:aws:s3:::bucket' } }), 'eu-west-1', undefined, builtForStore), /keyValueStoreArn "arn:aws:s3:::bucket"/);
  });
  it('a bundle built for another store', () => {
    const other = { bundleConfig: { kvsArn: STORE_ARN.replace(/\/.*$/, '/00000000-0000-4000-8000-000000000000') } };
    assert.throws(() => synth(edge(), 'eu-west-1', undefined, other), /was built for KeyValueStore "arn:.*00000000-0000.*cargo xtask edge --kvs-arn/);
  });
  it('a bundle built without --kvs-arn', () => {
    assert.throws(() => synth(edge(), 'eu-west-1', undefined, { bundleConfig: {} }), /was built for KeyValueStore null/);
  });
  it('a bundle built for another header', () => {
    assert.throws(() => synth(edge(), 'eu-west-1', undefined, { bundleConfig: { kvsArn: STORE_ARN, originSecretHeader: 'x-zone-secret' } }), /was built for origin-secret header "x-zone-secret"/);
  });
  it('a bundle built to fetch from a test stand-in (kvsEndpoint)', () => {
    const standIn = { bundleConfig: { ...builtForStore.bundleConfig, kvsEndpoint: 'http://127.0.0.1:9000' } };
    assert.throws(() => synth(edge(), 'eu-west-1', undefined, standIn), /kvsEndpoint "http:\/\/127\.0\.0\.1:9000" \(a loopback stand-in, for tests only\)/);
  });
  it('a bundle without config.json', () => {
    const a = artifacts(builtForStore);
    rmSync(join(a.ipFilterBundle!, 'config.json'));
    assert.throws(() => synth(edge({ artifacts: a })), /no readable config\.json/);
  });
  it('a bundle zip without config.json', () => {
    const a = artifacts();
    const zip = join(a.ipFilterBundle!, 'ip-filter.zip');
    writeFileSync(zip, zipOf({ 'index.mjs': 'export const handler = async (e) => e;\n' }, 'store'));
    assert.throws(() => synth(edge({ artifacts: { ...a, ipFilterBundle: zip } })), /ip-filter\.zip has no config\.json/);
  });
  it('opted out, but the bundle was built to read a store', () => {
    assert.throws(() => synth({ viewerFilter: 'lambda-edge', originSecret: IP_CHECK_ONLY }, 'eu-west-1', undefined, builtForStore), /rebuild without --kvs-arn/);
  });
});

describe('refused at synth: the CloudFront Function filter', () => {
  it('the KVS-mode function built for another header', () => {
    assert.throws(() => synth({ originSecret: { headerName: 'x-zone-secret' } }), /was built for origin-secret header "x-origin-secret", not "x-zone-secret"/);
  });
  it('a KVS-mode function without its sidecar', () => {
    const a = artifacts();
    rmSync(a.ipFilterKvsCloudFrontFunction!.replace(/\.js$/, '.json'));
    assert.throws(() => synth({ artifacts: a }), /ip-filter-kvs\.cloudfront\.js has no sidecar .*ip-filter-kvs\.cloudfront\.json: build both/);
  });
  it('a KVS-mode function edited after its sidecar (same size)', () => {
    const a = artifacts();
    writeFileSync(a.ipFilterKvsCloudFrontFunction!, kvsFunctionStandIn('x-origin-secreT'));
    assert.throws(() => synth({ artifacts: a }), /does not describe .*ip-filter-kvs\.cloudfront\.js \(its sha256 differs\)/);
  });
  it('a KVS-mode function edited after its sidecar (another size)', () => {
    const a = artifacts();
    writeFileSync(a.ipFilterKvsCloudFrontFunction!, kvsFunctionStandIn('x-zone-key'));
    assert.throws(() => synth({ artifacts: a }), /\(its sizeBytes differs\)/);
  });
  it('a KVS-mode function whose sidecar is not one', () => {
    const a = artifacts();
    writeFileSync(a.ipFilterKvsCloudFrontFunction!.replace(/\.js$/, '.json'), JSON.stringify({ secretHeader: 'x-origin-secret', readsKvs: true }));
    assert.throws(() => synth({ artifacts: a }), /is not a function sidecar/);
  });
  it('the address-only function given as the KVS-mode one', () => {
    const a = artifacts();
    assert.throws(() => synth({ artifacts: { ...a, ipFilterKvsCloudFrontFunction: a.ipFilterCloudFrontFunction } }), /does not read a KeyValueStore/);
  });
  it('no KVS-mode function given', () => {
    assert.throws(() => synth({ artifacts: { ...artifacts(), ipFilterKvsCloudFrontFunction: undefined } }), /ipFilterKvsCloudFrontFunction is required/);
  });
  it('the KVS-mode function missing on disk', () => {
    const a = artifacts();
    rmSync(a.ipFilterKvsCloudFrontFunction!);
    assert.throws(() => synth({ artifacts: a }), /ip-filter-kvs\.cloudfront\.js is missing: build it with cargo xtask cloudfront-function/);
  });
  it('opted out, but the address-only artifact reads a store', () => {
    const a = artifacts();
    writeFunction(a.ipFilterCloudFrontFunction!, kvsFunctionStandIn('x-origin-secret'), 'x-origin-secret');
    assert.throws(() => synth({ artifacts: a, originSecret: IP_CHECK_ONLY }), /reads a KeyValueStore, but originSecret is opted out/);
  });
  it('a store ARN given (this mode creates its own store)', () => {
    assert.throws(() => synth({ originSecret: { keyValueStoreArn: STORE_ARN } }), /is for viewerFilter 'lambda-edge'/);
  });
});

describe('refused at synth: the settings', () => {
  it('no range-sync build', () => {
    assert.throws(() => synth({ artifacts: { ...artifacts(), rangeSyncCode: undefined } }), /artifacts\.rangeSyncCode is required/);
  });
  it('a header name with capitals', () => {
    assert.throws(() => synth({ originSecret: { headerName: 'X-Origin-Secret' } }), /a lowercase header token/);
  });
  it('a header name that is not a token', () => {
    assert.throws(() => synth({ originSecret: { headerName: 'x origin secret' } }), /a lowercase header token/);
  });
  it('a header name Cloudflare will not set (cf-*)', () => {
    assert.throws(() => synth({ originSecret: { headerName: 'cf-origin-secret' } }), /cannot set cf-\* or x-cf-\*/);
  });
  it('alarm hours beyond what CloudWatch evaluates (7 days)', () => {
    assert.throws(() => synth({ originSecret: { alarmAfterHours: 169 } }), /alarmAfterHours 169/);
  });
  it('alarm hours that are not whole', () => {
    assert.throws(() => synth({ originSecret: { alarmAfterHours: 1.5 } }), /alarmAfterHours 1\.5/);
  });
  it('an opt-out spelled any other way', () => {
    assert.throws(() => synth({ originSecret: 'off' as never }), /originSecret "off": give settings/);
  });
});
