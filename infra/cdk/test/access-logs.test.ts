// Access logs: CloudFront standard logging (v2) — a delivery source for the distribution, an S3
// delivery destination, the delivery — in us-east-1 (in-stack there, the support stack elsewhere),
// into a bucket the construct makes or the app passes, the legacy logging off.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { synth, testStack, artifacts } from './support.js';
import { OacProtectedApi } from '../lib/oac-protected-api.js';

/** The us-east-1 support stack (`Test-observability`) of an app. */
function supportStack(app: App): Template {
  const s = app.node.children.find((c): c is Stack => Stack.isStack(c) && c.stackName === 'Test-observability');
  assert.ok(s, 'a us-east-1 support stack');
  assert.equal(s.region, 'us-east-1');
  return Template.fromStack(s);
}

describe('access logs (standard logging v2)', () => {
  it('in us-east-1: source (ACCESS_LOGS of this distribution), S3 destination (the bucket), delivery, in-stack', () => {
    const { template } = synth({}, 'us-east-1');
    const distId = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0];
    const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('ApiAccessLogs'));
    const [sourceId, source] = Object.entries(template.findResources('AWS::Logs::DeliverySource'))[0] as [string, any];
    assert.equal(source.Properties.LogType, 'ACCESS_LOGS');
    assert.deepEqual(source.Properties.ResourceArn, {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::111122223333:distribution/', { Ref: distId }]],
    });
    assert.ok(source.Properties.Name.length <= 60);
    const [destId, dest] = Object.entries(template.findResources('AWS::Logs::DeliveryDestination'))[0] as [string, any];
    assert.equal(dest.Properties.DeliveryDestinationType, 'S3');
    assert.deepEqual(dest.Properties.DestinationResourceArn, { 'Fn::GetAtt': [bucketId, 'Arn'] });
    const [delivery] = Object.values(template.findResources('AWS::Logs::Delivery')) as any[];
    assert.deepEqual(delivery.Properties, { DeliverySourceName: { Ref: sourceId }, DeliveryDestinationArn: { 'Fn::GetAtt': [destId, 'Arn'] } });
    assert.ok(delivery.DependsOn.includes(sourceId));
    assert.equal(template.toJSON().Resources[distId].Properties.DistributionConfig.Logging, undefined, 'no legacy logging');
  });

  it('the bucket: owner enforced (no ACLs), private, encrypted, TLS only, 90 days; delivery.logs may write AWSLogs/<account>/ only', () => {
    const { template } = synth({}, 'us-east-1');
    const [[bucketId, bucket]] = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => id.startsWith('ApiAccessLogs')) as [string, any][];
    assert.deepEqual(bucket.Properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration,
      { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    assert.equal(bucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays, 90);
    assert.equal(bucket.DeletionPolicy, 'Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'delivery.logs.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/AWSLogs/111122223333/*']] },
            Condition: {
              StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': '111122223333' },
              ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111122223333:delivery-source:*']] } },
            },
          },
        ]),
      },
    });
  });

  it('a stack elsewhere: the bucket in-stack, the three delivery resources in the us-east-1 support stack', () => {
    const { app, template } = synth({}, 'eu-west-1');
    template.resourceCountIs('AWS::Logs::DeliverySource', 0);
    template.resourceCountIs('AWS::Logs::Delivery', 0);
    const support = supportStack(app);
    support.resourceCountIs('AWS::Logs::DeliverySource', 1);
    support.resourceCountIs('AWS::Logs::DeliveryDestination', 1);
    support.resourceCountIs('AWS::Logs::Delivery', 1);
    support.hasResourceProperties('AWS::Logs::DeliverySource', { LogType: 'ACCESS_LOGS' });
  });

  it('a bucket of the app\'s takes the logs; no bucket is made', () => {
    const { stack } = testStack('us-east-1');
    const bucket = new s3.Bucket(stack, 'Mine', { enforceSSL: true });
    new OacProtectedApi(stack, 'Api', { artifacts: artifacts(), lambdaOrigin: {}, accessLogs: { bucket } });
    const template = Template.fromStack(stack);
    assert.equal(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('ApiAccessLogs')).length, 0);
    const mine = Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('Mine'))!;
    template.hasResourceProperties('AWS::Logs::DeliveryDestination', { DestinationResourceArn: { 'Fn::GetAtt': [mine, 'Arn'] } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: mine },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'delivery.logs.amazonaws.com' } })]) },
    });
  });

  it('accessLogs: false: no delivery, no bucket, no output', () => {
    const { template } = synth({ accessLogs: false }, 'us-east-1');
    template.resourceCountIs('AWS::Logs::DeliverySource', 0);
    template.resourceCountIs('AWS::Logs::Delivery', 0);
    assert.equal(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('ApiAccessLogs')).length, 0);
    assert.ok(!Object.keys(template.toJSON().Outputs).some((k) => k.includes('AccessLogBucket')));
  });
});
