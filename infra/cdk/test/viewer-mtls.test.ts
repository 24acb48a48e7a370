// `viewerMtls`: what is wired (the trust store and its CA bundle, the distribution's mTLS settings,
// the Connection Function with its store, the custom resource, the renewal, IAM), and that no
// private key reaches a template or the cloud assembly.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CfnOutput, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IP_CHECK_ONLY, ViewerMtlsProps } from '../lib/oac-protected-api.js';
import { CA_SECRET_ACTIONS, SERIAL_STORE_ACTIONS } from '../lib/viewer-mtls.js';
import { CA_BUNDLE_KEY } from '../lib/viewer-mtls-setup.js';
import { CONNECTION_FUNCTION_STAND_IN, TOKEN_SECRET_ARN, ZONE_ID, buildMtls, synth, testStack } from './support.js';

/** The one resource of `type` whose logical id starts with `prefix`: [id, resource]. */
function only(t: Template, type: string, prefix = ''): [string, any] {
  const found = Object.entries(t.findResources(type)).filter(([id]) => id.startsWith(prefix));
  assert.equal(found.length, 1, `one ${type} ${prefix}: ${found.map(([id]) => id)}`);
  return found[0];
}

/** The statements of the inline policies attached to role `roleId`. */
function statementsOf(t: Template, roleId: string): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** A CloudFormation value as one string: tokens as `${Ref}` / `${Id.Attr}`, `Fn::Join` joined (to compare JSON made of tokens). */
function flatten(v: any): any {
  if (Array.isArray(v)) return v.map(flatten);
  if (v && typeof v === 'object') {
    if ('Ref' in v) return `\${${v.Ref}}`;
    if ('Fn::GetAtt' in v) return `\${${v['Fn::GetAtt'].join('.')}}`;
    if ('Fn::Join' in v) return v['Fn::Join'][1].map(flatten).join(v['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flatten(x)]));
  }
  return v;
}

describe('viewerMtls: wired', () => {
  const { template: t } = buildMtls();
  const [certId, certificate] = only(t, 'Custom::OacKitOriginPullCertificate');
  const [trustStoreId, trustStore] = only(t, 'AWS::CloudFront::TrustStore');
  const [functionId, connectionFunction] = only(t, 'AWS::CloudFront::ConnectionFunction');
  const [storeId] = only(t, 'AWS::CloudFront::KeyValueStore', 'ApiViewerMtlsSerialStore');
  const [caSecretId, caSecret] = only(t, 'AWS::SecretsManager::Secret', 'ApiViewerMtlsCaSecret');
  const [bucketId, bucket] = only(t, 'AWS::S3::Bucket', 'ApiViewerMtlsTrustStoreBucket');
  const [writeId, write] = only(t, 'Custom::AWS', 'ApiViewerMtlsCaBundleWrite');
  const [, distribution] = only(t, 'AWS::CloudFront::Distribution');
  const config = distribution.Properties.DistributionConfig;

  it('the custom resource: exactly the contract\'s properties, on the cloudflare-setup provider', () => {
    const { ServiceToken, ...props } = certificate.Properties;
    assert.deepEqual(ServiceToken, { 'Fn::GetAtt': [Object.keys(t.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('ApiCloudflareProviderframeworkonEvent'))!, 'Arn'] });
    assert.deepEqual({ ...props, Ref: undefined }, {
      Kind: 'OriginPullCertificate', ZoneId: ZONE_ID, Hostnames: ['api.example.com'], ApiTokenSecretArn: TOKEN_SECRET_ARN,
      CaSecretArn: { Ref: caSecretId }, KvsArn: { 'Fn::GetAtt': [storeId, 'Arn'] },
      ClientValidityDays: '90', RenewBeforeDays: '30', Ref: undefined,
    });
    assert.match(props.Ref, /^oac-kit-origin-pull-[0-9a-f]{16}$/);
  });

  it('other validity and renewal periods go to the custom resource as whole days', () => {
    const { template } = buildMtls({ clientCertificateValidity: Duration.days(120), renewBefore: Duration.days(40) });
    const [, cr] = only(template, 'Custom::OacKitOriginPullCertificate');
    assert.deepEqual([cr.Properties.ClientValidityDays, cr.Properties.RenewBeforeDays], ['120', '40']);
  });

  it('the CA secret is created as {}: no key material, no generated string in the template', () => {
    assert.equal(caSecret.Properties.SecretString, '{}', 'the CA secret starts as {} (cloudflare-setup: no CA yet), never with key material');
    assert.equal(caSecret.Properties.GenerateSecretString, undefined);
  });

  it('the CA bundle: the custom resource\'s CaCertificatePem put to S3, the call allowed on that key only', () => {
    const create = JSON.parse(flatten(write.Properties.Create));
    assert.deepEqual(create.parameters, {
      Bucket: `\${${bucketId}}`, Key: CA_BUNDLE_KEY, Body: `\${${certId}.CaCertificatePem}`, ContentType: 'application/x-pem-file',
    });
    assert.deepEqual([create.service, create.action, create.outputPaths], ['S3', 'putObject', ['VersionId']]);
    assert.deepEqual(JSON.parse(flatten(write.Properties.Update)).parameters, create.parameters);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p: any) => JSON.stringify(p).includes('s3:PutObject'));
    assert.equal(policies.length, 1);
    assert.deepEqual(flatten((policies[0] as any).Properties.PolicyDocument.Statement), [
      { Action: 's3:PutObject', Effect: 'Allow', Resource: `\${${bucketId}.Arn}/${CA_BUNDLE_KEY}` },
    ]);
  });

  it('the bundle\'s bucket: every public-access block, owner enforced, SSE-S3, versioned, TLS only', () => {
    assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    assert.deepEqual(bucket.Properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.equal(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
    assert.deepEqual(bucket.Properties.VersioningConfiguration, { Status: 'Enabled' });
    const policy = Object.values(t.findResources('AWS::S3::BucketPolicy')).find((p: any) => p.Properties.Bucket.Ref === bucketId) as any;
    assert.ok(policy.Properties.PolicyDocument.Statement.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
  });

  it('the trust store reads that object, at the version the write returned, after the write', () => {
    assert.deepEqual(trustStore.Properties.CaCertificatesBundleSource, {
      CaCertificatesBundleS3Location: { Bucket: { Ref: bucketId }, Key: CA_BUNDLE_KEY, Region: 'eu-west-1', Version: { 'Fn::GetAtt': [writeId, 'VersionId'] } },
    });
    assert.ok(trustStore.DependsOn.includes(writeId), `${trustStore.DependsOn}`);
    assert.match(trustStore.Properties.Name, /^[A-Za-z0-9-]{1,64}$/);
  });

  it('the distribution requires a client certificate of the trust store (expiry checked) and runs the Connection Function', () => {
    assert.deepEqual(config.ViewerMtlsConfig, {
      Mode: 'required',
      TrustStoreConfig: { TrustStoreId: { 'Fn::GetAtt': [trustStoreId, 'Id'] }, AdvertiseTrustStoreCaNames: false, IgnoreCertificateExpiry: false },
    });
    assert.deepEqual(config.ConnectionFunctionAssociation, { Id: { 'Fn::GetAtt': [functionId, 'Id'] } });
  });

  it('HTTP/2 only and every behavior HTTPS only (viewer mTLS refuses HTTP/3 and plain HTTP)', () => {
    assert.equal(config.HttpVersion, 'http2');
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors ?? []];
    for (const b of behaviors) assert.equal(b.ViewerProtocolPolicy, 'https-only');
    const both = buildMtls({}, { staticSite: {}, staticPaths: ['/assets/*'] }).template;
    const c = only(both, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    assert.deepEqual([c.DefaultCacheBehavior, ...c.CacheBehaviors].map((b: any) => b.ViewerProtocolPolicy), ['https-only', 'https-only']);
  });

  it('without viewerMtls: HTTP/2 and 3, redirect to HTTPS, no mTLS settings (unchanged)', () => {
    const plain = synth().template;
    const c = only(plain, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    assert.equal(c.HttpVersion, 'http2and3');
    assert.equal(c.DefaultCacheBehavior.ViewerProtocolPolicy, 'redirect-to-https');
    assert.equal(c.ViewerMtlsConfig, undefined);
    assert.equal(c.ConnectionFunctionAssociation, undefined);
    plain.resourceCountIs('AWS::CloudFront::TrustStore', 0);
    const http2 = synth({ httpVersion: cloudfront.HttpVersion.HTTP2 }).template;
    assert.equal(only(http2, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig.HttpVersion, 'http2');
  });

  it('the Connection Function: the generated code, cloudfront-js-2.0, published LIVE, its own store', () => {
    assert.equal(connectionFunction.Properties.ConnectionFunctionCode, CONNECTION_FUNCTION_STAND_IN);
    assert.equal(connectionFunction.Properties.AutoPublish, true);
    assert.deepEqual(connectionFunction.Properties.ConnectionFunctionConfig.Runtime, 'cloudfront-js-2.0');
    assert.deepEqual(connectionFunction.Properties.ConnectionFunctionConfig.KeyValueStoreAssociations, [{ KeyValueStoreARN: { 'Fn::GetAtt': [storeId, 'Arn'] } }]);
    assert.match(connectionFunction.Properties.Name, /^[a-zA-Z0-9-_]{1,64}$/);
    // Not the viewer filter's store (ranges and origin-secret hashes): one store each.
    const [filterStoreId] = only(t, 'AWS::CloudFront::KeyValueStore', 'ApiIpFilterStore');
    assert.notEqual(filterStoreId, storeId);
    assert.ok(connectionFunction.DependsOn.includes(certId), 'the first serial is listed before the function serves');
  });

  it('the renewal: the cloudflare-setup zip with CR_PHASE=renew, daily, its event the custom resource\'s properties', () => {
    const [renewalId, renewal] = only(t, 'AWS::Lambda::Function', 'ApiViewerMtlsRenewal');
    assert.equal(renewal.Properties.Environment.Variables.CR_PHASE, 'renew');
    const [, onEvent] = Object.entries(t.findResources('AWS::Lambda::Function')).find(([, f]: any) => f.Properties.Environment?.Variables?.CR_PHASE === 'on-event')!;
    assert.deepEqual(renewal.Properties.Code, (onEvent as any).Properties.Code);
    const [, rule] = only(t, 'AWS::Events::Rule', 'ApiViewerMtlsRenewalSchedule');
    assert.equal(rule.Properties.ScheduleExpression, 'rate(1 day)');
    assert.equal(rule.Properties.Targets.length, 1);
    assert.deepEqual(rule.Properties.Targets[0].Arn, { 'Fn::GetAtt': [renewalId, 'Arn'] });
    const { ServiceToken, ...props } = certificate.Properties;
    assert.ok(ServiceToken);
    const each = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, flatten(v)]));
    assert.deepEqual(JSON.parse(flatten(rule.Properties.Targets[0].Input)), each(props));
    assert.ok(rule.DependsOn.includes(certId));
  });

  it('the renewal role: the CA secret (get, put), the serial store\'s five actions, the token; nothing else', () => {
    const [, renewal] = only(t, 'AWS::Lambda::Function', 'ApiViewerMtlsRenewal');
    assert.deepEqual(statementsOf(t, renewal.Properties.Role['Fn::GetAtt'][0]), [
      { Action: CA_SECRET_ACTIONS, Effect: 'Allow', Resource: { Ref: caSecretId } },
      { Action: SERIAL_STORE_ACTIONS, Effect: 'Allow', Resource: { 'Fn::GetAtt': [storeId, 'Arn'] } },
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: TOKEN_SECRET_ARN },
    ]);
    assert.deepEqual(SERIAL_STORE_ACTIONS.map((a) => a.split(':')[1]), ['DescribeKeyValueStore', 'ListKeys', 'UpdateKeys']);
  });

  it('the setup role gets the same CA-secret and store statements; no other role may touch the CA secret or the serial store', () => {
    const setupRoleId = Object.keys(t.findResources('AWS::IAM::Role')).find((id) => id.startsWith('ApiCloudflareRole'))!;
    const statements = statementsOf(t, setupRoleId);
    assert.ok(statements.some((s) => JSON.stringify(s) === JSON.stringify({ Action: CA_SECRET_ACTIONS, Effect: 'Allow', Resource: { Ref: caSecretId } })));
    assert.ok(statements.some((s) => JSON.stringify(s) === JSON.stringify({ Action: SERIAL_STORE_ACTIONS, Effect: 'Allow', Resource: { 'Fn::GetAtt': [storeId, 'Arn'] } })));
    const touching = (id: string) => Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.PolicyDocument.Statement.some((s: any) => JSON.stringify(s.Resource).includes(`"${id}"`)))
      .flatMap((p: any) => p.Properties.Roles.map((r: any) => r.Ref)).sort();
    const renewalRoleId = Object.keys(t.findResources('AWS::IAM::Role')).find((id) => id.startsWith('ApiViewerMtlsRenewalRole'))!;
    assert.deepEqual(touching(caSecretId), [setupRoleId, renewalRoleId].sort());
    assert.deepEqual(touching(storeId), [setupRoleId, renewalRoleId].sort());
  });

  it('the renewal errors alarm notifies the origin secret\'s alarm topic', () => {
    const { stack } = testStack('eu-west-1');
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:eu-west-1:111122223333:alarms');
    const { template } = buildMtls({}, { originSecret: { alarmTopic: topic } });
    const [, alarm] = only(template, 'AWS::CloudWatch::Alarm', 'ApiViewerMtlsRenewalErrorsAlarm');
    assert.equal(alarm.Properties.MetricName, 'Errors');
    assert.equal(alarm.Properties.Period, 86400);
    assert.deepEqual(alarm.Properties.AlarmActions, ['arn:aws:sns:eu-west-1:111122223333:alarms']);
  });

  it('the origin secret stays by default: its store, its range sync, the Zone\'s rule', () => {
    only(t, 'AWS::CloudFront::KeyValueStore', 'ApiIpFilterStore');
    const [, zone] = only(t, 'Custom::OacKitCloudflareZone');
    assert.ok(zone.Properties.OriginSecretArn);
    assert.equal(zone.Properties.OriginSecretHeader, 'x-origin-secret');
  });
});

describe('viewerMtls with keepOriginSecret: false', () => {
  const { template: t, api } = buildMtls({ keepOriginSecret: false });

  it('no origin secret: no range sync, no rotation, the address-only filter, no rule in the Zone resource', () => {
    assert.equal(api.rangeSync, undefined);
    assert.equal(api.rotation, undefined);
    t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    const stores = Object.keys(t.findResources('AWS::CloudFront::KeyValueStore'));
    assert.deepEqual(stores.map((id) => id.replace(/[0-9A-F]{8}$/, '')), ['ApiViewerMtlsSerialStore']);
    const [, filter] = only(t, 'AWS::CloudFront::Function');
    assert.equal(filter.Properties.FunctionConfig.KeyValueStoreAssociations, undefined);
    const [, zone] = only(t, 'Custom::OacKitCloudflareZone');
    assert.equal(zone.Properties.OriginSecretArn, undefined);
    assert.equal(zone.Properties.OriginSecretHeader, undefined);
    assert.match(zone.Properties.RuleRef, /^oac-kit-origin-secret-/);
  });

  it('the setup role reads the token only (no origin secret), beside the CA secret and the store', () => {
    const roleId = Object.keys(t.findResources('AWS::IAM::Role')).find((id) => id.startsWith('ApiCloudflareRole'))!;
    const reads = statementsOf(t, roleId).filter((s) => s.Action === 'secretsmanager:GetSecretValue');
    assert.deepEqual(reads, [{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: TOKEN_SECRET_ARN }]);
  });

  it('the same with originSecret: IP_CHECK_ONLY said outright', () => {
    const { api: both } = buildMtls({ keepOriginSecret: false }, { originSecret: IP_CHECK_ONLY });
    assert.equal(both.rangeSync, undefined);
    assert.ok(both.viewerMtls);
  });
});

/** Every file of a directory tree. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** What a private key (or any PEM block, or the secret's key fields) looks like in text. */
const KEY_MATERIAL = [/PRIVATE KEY/, /-----BEGIN /, /caPrivateKeyPem/, /privateKeyPem/];

/** The files of the synthesized assembly holding any of {@link KEY_MATERIAL}. */
function keyMaterialIn(outdir: string): string[] {
  return filesUnder(outdir).filter((f) => {
    const text = readFileSync(f, 'latin1');
    return KEY_MATERIAL.some((re) => re.test(text));
  });
}

describe('no private key in any template', () => {
  it('the whole cloud assembly (templates, manifests, staged assets) has no key material and no PEM', () => {
    for (const mtls of [{}, { keepOriginSecret: false }] as ViewerMtlsProps[]) {
      const outdir = mkdtempSync(join(tmpdir(), 'oac-kit-mtls-assembly-'));
      const { app } = buildMtls(mtls, {}, {}, outdir);
      app.synth();
      assert.ok(filesUnder(outdir).some((f) => f.endsWith('Test.template.json')));
      assert.deepEqual(keyMaterialIn(outdir), []);
    }
  });

  it('the scan finds a key put into a template (it can fail)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'oac-kit-mtls-assembly-'));
    const { app } = buildMtls({}, {}, {}, outdir, (stack) => {
      new CfnOutput(stack, 'Leak', { value: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----' });
    });
    app.synth();
    assert.deepEqual(keyMaterialIn(outdir).map((f) => f.slice(outdir.length)), ['/Test.template.json']);
  });
});
