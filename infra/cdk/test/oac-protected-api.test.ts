// Assertions on the synthesized templates: every property the chain depends on, per origin shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { deploymentAudience } from '../lib/api-environment.js';
import { IP_CHECK_ONLY, OacProtectedApi } from '../lib/oac-protected-api.js';
import { apiVariables, artifacts, edgeStack, synth, testStack } from './support.js';

const CACHING_DISABLED_ID = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6';

const distributionConfig = (t: Template) => {
  const ds = Object.values(t.findResources('AWS::CloudFront::Distribution'));
  assert.equal(ds.length, 1);
  return ds[0].Properties.DistributionConfig;
};

/** Both invoke permissions CloudFront needs (URLs created since Oct 2025), scoped to this distribution. */
function expectBothInvokePermissions(t: Template) {
  const perms = Object.values(t.findResources('AWS::Lambda::Permission', {
    Properties: { Principal: 'cloudfront.amazonaws.com' },
  })).map((r) => r.Properties);
  const url = perms.filter((p) => p.Action === 'lambda:InvokeFunctionUrl');
  const invoke = perms.filter((p) => p.Action === 'lambda:InvokeFunction');
  assert.equal(url.length, 1, 'exactly one lambda:InvokeFunctionUrl grant for CloudFront');
  assert.equal(invoke.length, 1, 'exactly one lambda:InvokeFunction grant for CloudFront');
  assert.equal(invoke[0].InvokedViaFunctionUrl, true, 'InvokeFunction only via the Function URL');
  for (const p of [...url, ...invoke]) {
    // SourceArn = arn:<partition>:cloudfront::<account>:distribution/<this distribution's id>
    const joined = JSON.stringify(p.SourceArn);
    assert.match(joined, /:cloudfront::/);
    assert.match(joined, /:distribution\//);
    assert.match(joined, /"Ref":"ApiDistribution[0-9A-F]+"/);
  }
}

describe('Lambda origin (the Lambdalith)', () => {
  const { app, template: t } = synth();

  it('Function URL is AWS_IAM, and no Function URL anywhere is NONE', () => {
    t.resourceCountIs('AWS::Lambda::Url', 1);
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    assert.equal(Object.keys(t.findResources('AWS::Lambda::Url', { Properties: { AuthType: 'NONE' } })).length, 0);
  });

  it('CloudFront gets both invoke permissions, scoped to this distribution', () => {
    expectBothInvokePermissions(t);
  });

  it('OAC for Lambda signs always with SigV4', () => {
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 'lambda', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  it('default behavior: all verbs, no caching, all viewer headers but Host (and Accept-Encoding: test/invoke-mode.test.ts), HTTPS only', () => {
    const b = distributionConfig(t).DefaultCacheBehavior;
    assert.match(JSON.stringify(b.OriginRequestPolicyId), /"Ref":"ApiStreamingOriginRequest[0-9A-F]+"/);
    assert.equal(b.CachePolicyId, CACHING_DISABLED_ID);
    assert.deepEqual([...b.AllowedMethods].sort(), ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    assert.equal(b.ViewerProtocolPolicy, 'redirect-to-https');
  });

  it('body-hash runs at origin-request with the body included', () => {
    const b = distributionConfig(t).DefaultCacheBehavior;
    assert.equal(b.LambdaFunctionAssociations.length, 1);
    assert.equal(b.LambdaFunctionAssociations[0].EventType, 'origin-request');
    assert.equal(b.LambdaFunctionAssociations[0].IncludeBody, true);
  });

  it('the Cloudflare filter is a cloudfront-js-2.0 CloudFront Function at viewer-request', () => {
    t.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      AutoPublish: true,
    });
    const b = distributionConfig(t).DefaultCacheBehavior;
    assert.equal(b.FunctionAssociations.length, 1);
    assert.equal(b.FunctionAssociations[0].EventType, 'viewer-request');
  });

  it('edge function: us-east-1 support stack, Node.js 22, x86_64, index.handler, edgelambda trust', () => {
    const edge = edgeStack(app);
    edge.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['x86_64'],
    });
    const roles = Object.values(edge.findResources('AWS::IAM::Role'));
    assert.equal(roles.length, 1);
    const trusted = roles[0].Properties.AssumeRolePolicyDocument.Statement
      .filter((s: { Action: string }) => s.Action === 'sts:AssumeRole')
      .map((s: { Principal: { Service: string } }) => s.Principal.Service).sort();
    assert.deepEqual(trusted, ['edgelambda.amazonaws.com', 'lambda.amazonaws.com']);
  });

  it('the Lambdalith: provided.al2023, x86_64 by default, its table and log retention', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Architectures: ['x86_64'],
      Environment: { Variables: Match.objectLike({ STORE: 'dynamodb', TABLE_NAME: { Ref: Match.stringLikeRegexp('^ApiAuditTable') } }) },
    });
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('no legacy access logs (standard logging v2 instead: test/access-logs.test.ts); HTTP/2 and 3', () => {
    const c = distributionConfig(t);
    assert.equal(c.Logging, undefined);
    assert.equal(c.HttpVersion, 'http2and3');
  });

  it('outputs the distribution domain, its id, the Function URL and the table', () => {
    const outputs = Object.keys(t.toJSON().Outputs);
    for (const o of ['DistributionDomainName', 'DistributionId', 'FunctionUrl', 'TableName']) {
      assert.ok(outputs.some((k) => k.includes(o)), `output ${o}`);
    }
  });
});

describe('options', () => {
  it('identity settings reach the function as its IDENTITY_* variables', () => {
    const { template } = synth({
      lambdaOrigin: { identity: { audience: 'orders-api', readers: ['arn:aws:iam::111122223333:role/r*'], writers: ['arn:aws:iam::111122223333:role/ci', 'arn:aws:iam::111122223333:role/deployer'] } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Environment: { Variables: Match.objectLike({
        IDENTITY_AUDIENCE: 'orders-api',
        IDENTITY_READERS: 'arn:aws:iam::111122223333:role/r*',
        IDENTITY_WRITERS: 'arn:aws:iam::111122223333:role/ci,arn:aws:iam::111122223333:role/deployer',
      }) },
    });
  });

  it('allowlist opt-ins are off unless asked for, and reach the function when asked for', () => {
    const variables = (identity: object) => {
      const { template } = synth({ lambdaOrigin: { identity: { audience: 'orders-api', ...identity } } });
      return apiVariables(template);
    };
    const off = variables({});
    assert.equal(off.IDENTITY_ALLOW_FEDERATED_USERS, 'false');
    assert.equal(off.IDENTITY_ALLOW_ANY_ACCOUNT, 'false');
    const on = variables({ allowFederatedUsers: true, allowAnyAccount: true });
    assert.equal(on.IDENTITY_ALLOW_FEDERATED_USERS, 'true');
    assert.equal(on.IDENTITY_ALLOW_ANY_ACCOUNT, 'true');
  });

  it('without an audience each deployment gets its own: account, region, stack and construct', () => {
    const audienceOf = (account: string, region: string, stackName: string): string => {
      const app = new App({ postCliContext: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new Stack(app, 'S', { env: { account, region }, stackName });
      new OacProtectedApi(stack, 'Api', { artifacts: artifacts(), lambdaOrigin: {} });
      return apiVariables(Template.fromStack(stack)).IDENTITY_AUDIENCE;
    };
    const staging = audienceOf('111122223333', 'eu-west-1', 'orders-staging');
    assert.equal(staging, '111122223333:eu-west-1:orders-staging/Api');
    assert.notEqual(staging, 'oac-kit-api');
    assert.equal(audienceOf('111122223333', 'eu-west-1', 'orders-staging'), staging, 'deterministic');
    const others = [
      audienceOf('111122223333', 'eu-west-1', 'orders-prod'),
      audienceOf('444455556666', 'eu-west-1', 'orders-staging'),
      audienceOf('111122223333', 'us-east-1', 'orders-staging'),
    ];
    assert.equal(new Set([staging, ...others]).size, 4, `${[staging, ...others]}`);
    const t = Template.fromStack(synth().stack);
    assert.ok(Object.keys(t.toJSON().Outputs).some((k) => k.includes('Audience')), 'output Audience');
  });

  it('two constructs in one stack get different audiences', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    assert.notEqual(deploymentAudience(new Construct(stack, 'Orders')), deploymentAudience(new Construct(stack, 'Billing')));
  });

  it('a stack without an explicit account derives its audience from the deploy-time account', () => {
    const app = new App({ postCliContext: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'NoAccount', { env: { region: 'eu-west-1' } });
    const api = new OacProtectedApi(stack, 'Api', { artifacts: artifacts(), lambdaOrigin: {} });
    const resolved = JSON.stringify(stack.resolve(api.audience));
    assert.match(resolved, /AWS::AccountId/);
    assert.match(resolved, /:eu-west-1:NoAccount\/Api/);
  });

  it('a construct id outside the audience alphabet is replaced and hashed, within 128 characters', () => {
    const app = new App({ postCliContext: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    const api = new OacProtectedApi(stack, `Orders API ${'x'.repeat(200)}`, { artifacts: artifacts(), lambdaOrigin: {} });
    assert.match(api.audience!, /^111122223333:eu-west-1:S\/Orders-API-x+~[0-9a-f]{12}$/);
    assert.ok(api.audience!.length <= 128, api.audience);
  });

  it('an audience the api would refuse is refused at synth', () => {
    assert.throws(() => synth({ lambdaOrigin: { identity: { audience: 'has space' } } }), /identity.audience/);
    assert.throws(() => synth({ lambdaOrigin: { identity: { audience: 'a'.repeat(129) } } }), /identity.audience/);
  });

  it('environment entries overriding keys the construct owns are refused at synth', () => {
    for (const key of ['STORE', 'TABLE_NAME', 'IDENTITY_AUDIENCE', 'IDENTITY_WRITERS', 'UNSAFE_STS_ENDPOINT_OVERRIDE', 'AWS_ENDPOINT_URL_DYNAMODB', 'identity_readers']) {
      assert.throws(() => synth({ lambdaOrigin: { environment: { [key]: 'x' } } }), new RegExp(`must not set ${key}`), key);
    }
  });

  it('other environment entries reach the function beside the construct-owned ones', () => {
    const { template } = synth({ lambdaOrigin: { environment: { LOG_LEVEL: 'debug', MAX_BODY_BYTES: '1048576' } } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LOG_LEVEL: 'debug', MAX_BODY_BYTES: '1048576', STORE: 'dynamodb' }) },
    });
  });

  it('arm64 is selectable for the Lambdalith (the edge stays x86_64)', () => {
    const { app, template } = synth({ lambdaOrigin: { architecture: lambda.Architecture.ARM_64 } });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'provided.al2023', Architectures: ['arm64'] });
    edgeStack(app).hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['x86_64'] });
  });

  it('viewerFilter lambda-edge: the ip-filter bundle at viewer-request, no CloudFront Function', () => {
    const { app, template } = synth({ viewerFilter: 'lambda-edge', originSecret: IP_CHECK_ONLY });
    template.resourceCountIs('AWS::CloudFront::Function', 0);
    const b = distributionConfig(template).DefaultCacheBehavior;
    assert.equal(b.FunctionAssociations, undefined);
    assert.deepEqual(b.LambdaFunctionAssociations.map((a: { EventType: string }) => a.EventType).sort(), ['origin-request', 'viewer-request']);
    const viewer = b.LambdaFunctionAssociations.find((a: { EventType: string }) => a.EventType === 'viewer-request');
    assert.equal(viewer.IncludeBody, undefined, 'the viewer filter does not need the body');
    edgeStack(app).resourceCountIs('AWS::Lambda::Function', 2);
  });

  it('a stack in us-east-1 keeps the edge functions in-stack', () => {
    const { template } = synth({}, 'us-east-1');
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Handler: 'index.handler' });
  });

  it('certificate and alternate domain names: TLSv1.3_2025 by default, SNI', () => {
    const { template } = synth({}, 'eu-west-1', undefined);
    assert.equal(distributionConfig(template).Aliases, undefined);
    const app = new App({ postCliContext: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Cert', { env: { account: '111122223333', region: 'eu-west-1' } });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:us-east-1:111122223333:certificate/abc');
    new OacProtectedApi(stack, 'Api', { artifacts: artifacts(), lambdaOrigin: {}, certificate, domainNames: ['api.example.com'] });
    const c = distributionConfig(Template.fromStack(stack));
    assert.deepEqual(c.Aliases, ['api.example.com']);
    assert.equal(c.ViewerCertificate.MinimumProtocolVersion, 'TLSv1.3_2025');
    assert.equal(c.ViewerCertificate.SslSupportMethod, 'sni-only');
  });

  it('viewerTlsPolicy TLSv1.2_2025 opts down; never a 2021 policy', () => {
    const { stack } = testStack('eu-west-1');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:us-east-1:111122223333:certificate/abc');
    new OacProtectedApi(stack, 'Api', { artifacts: artifacts(), lambdaOrigin: {}, certificate, domainNames: ['api.example.com'], viewerTlsPolicy: 'TLSv1.2_2025' });
    assert.equal(distributionConfig(Template.fromStack(stack)).ViewerCertificate.MinimumProtocolVersion, 'TLSv1.2_2025');
    for (const old of ['TLSv1.2_2021', 'TLSv1.2_2019', 'TLSv1']) {
      assert.throws(() => synth({ viewerTlsPolicy: old as never }), /viewerTlsPolicy .*'TLSv1\.3_2025' \(default\) or 'TLSv1\.2_2025'/);
    }
  });

  it('reservedConcurrency caps the api; unset, none', () => {
    const reserved = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: Match.objectLike({ STORE: 'dynamodb' }) } },
    })).map((f: any) => f.Properties.ReservedConcurrentExecutions);
    assert.deepEqual(reserved(synth({ lambdaOrigin: { reservedConcurrency: 50 } }).template), [50]);
    assert.deepEqual(reserved(synth().template), [undefined]);
  });
});

describe('bucket origins', () => {
  it('bucket alone: private bucket behind OAC, read-only verbs, no Lambda', () => {
    const { template } = synth({ lambdaOrigin: undefined, staticSite: {} });
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    const [bucketId, bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('ApiStaticBucket'))! as [string, any];
    assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration,
      { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    assert.deepEqual(bucket.Properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.deepEqual(bucket.Properties.VersioningConfiguration, { Status: 'Enabled' });
    assert.deepEqual(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration, [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }]);
    // enforceSSL: a Deny on aws:SecureTransport false.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const b = distributionConfig(template).DefaultCacheBehavior;
    assert.deepEqual([...b.AllowedMethods].sort(), ['GET', 'HEAD']);
    assert.equal(b.LambdaFunctionAssociations, undefined, 'no body-hash without a Lambda origin');
    assert.equal(b.FunctionAssociations[0].EventType, 'viewer-request', 'the Cloudflare filter still applies');
  });

  it('both: staticPaths go to the bucket, everything else to the Lambda with body-hash', () => {
    const { template } = synth({ staticSite: {}, staticPaths: ['/assets/*', '/favicon.ico'] });
    const c = distributionConfig(template);
    assert.deepEqual(c.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern), ['/assets/*', '/favicon.ico']);
    for (const b of c.CacheBehaviors) {
      assert.equal(b.CachePolicyId, CACHING_OPTIMIZED_ID);
      assert.deepEqual([...b.AllowedMethods].sort(), ['GET', 'HEAD']);
      assert.equal(b.LambdaFunctionAssociations, undefined);
      assert.equal(b.FunctionAssociations[0].EventType, 'viewer-request');
    }
    assert.equal(c.DefaultCacheBehavior.LambdaFunctionAssociations[0].IncludeBody, true);
    expectBothInvokePermissions(template);
  });
});

describe('refuses configurations that cannot work', () => {
  it('neither origin', () => {
    assert.throws(() => synth({ lambdaOrigin: undefined }), /needs a lambdaOrigin, a staticSite, or both/);
  });
  it('staticPaths without both origins', () => {
    assert.throws(() => synth({ staticPaths: ['/a/*'] }), /staticPaths/);
  });
  it('domain names without a certificate', () => {
    assert.throws(() => synth({ domainNames: ['api.example.com'] }), /certificate/);
  });
  it('the CloudFront Function filter without its generated file', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    const a = artifacts();
    assert.throws(() => new OacProtectedApi(stack, 'Api', {
      artifacts: { ...a, ipFilterCloudFrontFunction: undefined }, lambdaOrigin: {}, originSecret: IP_CHECK_ONLY,
    }), /ipFilterCloudFrontFunction is required/);
  });
});

describe('the permission check can fail', () => {
  it('a distribution missing the InvokeFunction grant is caught', () => {
    const { template } = synth({}, 'eu-west-1', (api) => {
      const origin = api.distribution.node.findAll().find((c) => c.node.id.startsWith('InvokeFunctionFromCloudFront'));
      assert.ok(origin, 'the InvokeFunction permission exists before removal');
      origin.node.scope!.node.tryRemoveChild(origin.node.id);
    });
    assert.throws(() => expectBothInvokePermissions(template), /InvokeFunction grant/);
  });
});
