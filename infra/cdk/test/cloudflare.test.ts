// `cloudflare`: what is refused at synth, and what is wired (the custom resources, the rotation, IAM).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ruleRef } from '../lib/cloudflare.js';
import { CloudflareProps, IP_CHECK_ONLY, OacProtectedApi, OacProtectedApiProps } from '../lib/oac-protected-api.js';
import { TOKEN_SECRET_ARN, ZONE_ID, artifacts, testStack } from './support.js';

type CloudflareOverrides = Partial<Omit<CloudflareProps, 'apiToken'>> & { apiToken?: unknown };

/** Stack `Test` with `Api` given `cloudflare` (zone ZONE_ID, api.example.com, the token secret) changed by `cf`. */
function build(cf: CloudflareOverrides = {}, props: Partial<OacProtectedApiProps> = {}, region = 'eu-west-1') {
  const { app, stack } = testStack(region);
  const apiToken = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Token', TOKEN_SECRET_ARN);
  const cloudflare = { zoneId: ZONE_ID, hostnames: ['api.example.com'], apiToken, ...cf } as CloudflareProps;
  const header = typeof props.originSecret === 'object' ? props.originSecret.headerName : undefined;
  const api = new OacProtectedApi(stack, 'Api', { artifacts: artifacts({ kvsFunctionHeader: header }), lambdaOrigin: {}, cloudflare, ...props });
  return { app, stack, api, template: Template.fromStack(stack) };
}

const refuses = (cf: CloudflareOverrides, props: Partial<OacProtectedApiProps>, message: RegExp) =>
  assert.throws(() => build(cf, props), message);

describe('cloudflare: refused at synth', () => {
  it('a zone id that is not 32 lowercase hex', () => {
    for (const zoneId of ['', 'example.com', ZONE_ID.toUpperCase(), `${ZONE_ID}0`, ZONE_ID.slice(1)]) {
      refuses({ zoneId }, {}, /cloudflare\.zoneId .*32 lowercase hex/);
    }
  });
  it('no hostname, or more than one certificate holds', () => {
    refuses({ hostnames: [] }, {}, /at least one hostname/);
    refuses({ hostnames: Array.from({ length: 11 }, (_, i) => `h${i}.example.com`) }, {}, /at most 10/);
  });
  it('a hostname that is not a lowercase hostname', () => {
    for (const h of ['API.example.com', 'example', '*.example.com', 'api.example.com.', '-a.example.com', 'a..example.com', 'a b.example.com', `${'a'.repeat(64)}.example.com`]) {
      refuses({ hostnames: [h] }, {}, /is not a lowercase hostname/);
    }
  });
  it('a hostname listed twice', () => {
    refuses({ hostnames: ['api.example.com', 'www.example.com', 'api.example.com'] }, {}, /"api\.example\.com" is listed twice/);
  });
  it('the origin secret opted out', () => {
    refuses({}, { originSecret: IP_CHECK_ONLY }, /cloudflare needs the origin secret/);
  });
  it('rotation on a static-only distribution (nothing to prove a new secret with)', () => {
    refuses({}, { lambdaOrigin: undefined, staticSite: {} }, /cloudflare\.rotation: .*static-only distribution/);
    build({ rotation: false }, { lambdaOrigin: undefined, staticSite: {} });
  });
  it('domainNames that differ from the hostnames', () => {
    refuses({}, { domainNames: ['other.example.com'] }, /domainNames differ from cloudflare\.hostnames/);
    refuses({}, { domainNames: ['api.example.com', 'www.example.com'] }, /domainNames differ/);
  });
  it('the token as a string (impossible by type, refused for JavaScript callers)', () => {
    refuses({ apiToken: 'plain-token-value' }, {}, /cloudflare\.apiToken: a Secrets Manager secret/);
    assert.throws(() => build({ apiToken: 'plain-token-value' }), (e: Error) => !e.message.includes('plain-token-value'));
  });
  it('an unknown sslMode', () => {
    refuses({ sslMode: 'flexible' as never }, {}, /cloudflare\.sslMode "flexible"/);
  });
  it('a rotation outside 4 hours to 1000 days', () => {
    refuses({ rotation: Duration.hours(3) }, {}, /cloudflare\.rotation .*between 4 hours and 1000 days/);
    refuses({ rotation: Duration.days(1001) }, {}, /between 4 hours and 1000 days/);
  });
  it('a viewer TLS policy that is not a 2025 one', () => {
    assert.throws(() => build({}, { viewerTlsPolicy: 'TLSv1.2_2021' as never }), /viewerTlsPolicy "TLSv1\.2_2021"/);
  });
  it('the artifacts missing', () => {
    assert.throws(() => build({}, { artifacts: { ...artifacts(), cloudflareSetupCode: undefined } }), /artifacts\.cloudflareSetupCode is required/);
    assert.throws(() => build({}, { artifacts: { ...artifacts(), originSecretRotationCode: undefined } }), /artifacts\.originSecretRotationCode is required/);
  });
  it('the same domainNames as the hostnames are accepted', () => {
    build({ hostnames: ['a.example.com', 'b.example.com'] }, { domainNames: ['b.example.com', 'a.example.com'] });
  });
});

/** The custom resources of `kind`. */
function customResources(t: Template, type: string): any[] {
  return Object.values(t.findResources(type));
}

/** The Lambda functions with `CR_PHASE` = `phase`. */
function phaseFunction(t: Template, phase: string): [string, any] {
  const fns = Object.entries(t.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: Match.objectLike({ CR_PHASE: phase }) } },
  }));
  assert.equal(fns.length, 1, `one ${phase} function`);
  return fns[0];
}

/** The statements of the inline policies attached to the role `roleRef` refers to. */
function statementsOf(t: Template, roleId: string): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('cloudflare: wired', () => {
  it('the Certificate resource: Kind, zone, hostnames, token secret; the distribution takes its ARN and the hostnames', () => {
    const { template } = build({ hostnames: ['api.example.com', 'www.example.com'] });
    const [cert] = customResources(template, 'Custom::OacKitCloudflareCertificate');
    assert.deepEqual(
      { ...cert.Properties, ServiceToken: undefined },
      { Kind: 'Certificate', ZoneId: ZONE_ID, Hostnames: ['api.example.com', 'www.example.com'], ApiTokenSecretArn: TOKEN_SECRET_ARN, ServiceToken: undefined },
    );
    const certId = Object.keys(template.findResources('Custom::OacKitCloudflareCertificate'))[0];
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['api.example.com', 'www.example.com'],
        ViewerCertificate: { AcmCertificateArn: { 'Fn::GetAtt': [certId, 'CertificateArn'] }, MinimumProtocolVersion: 'TLSv1.3_2025', SslSupportMethod: 'sni-only' },
      }),
    });
  });

  it('a given certificate is used and no Certificate resource is made', () => {
    const { stack } = testStack('eu-west-1');
    const certificate = acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:us-east-1:111122223333:certificate/abc');
    const { template } = build({}, { certificate });
    assert.equal(customResources(template, 'Custom::OacKitCloudflareCertificate').length, 0);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ ViewerCertificate: Match.objectLike({ AcmCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' }) }),
    });
  });

  it('the Zone resource: every contract property, after the distribution', () => {
    const { template, api } = build({ sslMode: 'set-strict' }, { originSecret: { headerName: 'x-zone-key' } });
    const zones = template.findResources('Custom::OacKitCloudflareZone');
    const [zone] = Object.values(zones) as any[];
    const distId = Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0];
    const secretId = Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0];
    const { ServiceToken, ...props } = zone.Properties;
    assert.ok(ServiceToken);
    assert.deepEqual(props, {
      Kind: 'Zone', ZoneId: ZONE_ID, Hostnames: ['api.example.com'], ApiTokenSecretArn: TOKEN_SECRET_ARN,
      DistributionDomainName: { 'Fn::GetAtt': [distId, 'DomainName'] }, OriginSecretArn: { Ref: secretId },
      OriginSecretHeader: 'x-zone-key', SslMode: 'set-strict', RuleRef: ruleRef(api),
    });
    assert.ok(zone.DependsOn.includes(distId), `${zone.DependsOn}`);
  });

  it('RuleRef: oac-kit-origin-secret- and a hash of stack and path, different for another construct', () => {
    const { api, stack } = build();
    assert.match(ruleRef(api), /^oac-kit-origin-secret-[0-9a-f]{16}$/);
    assert.equal(ruleRef(api), ruleRef(api));
    assert.notEqual(ruleRef(new Construct(stack, 'Other')), ruleRef(api));
    assert.notEqual(ruleRef(new Stack(undefined, 'Elsewhere')), ruleRef(api));
  });

  it('the provider: onEvent and isComplete from one zip, CR_PHASE, bounded total timeout', () => {
    const { template, api } = build();
    const [, onEvent] = phaseFunction(template, 'on-event');
    const [, isComplete] = phaseFunction(template, 'is-complete');
    assert.deepEqual(onEvent.Properties.Code, isComplete.Properties.Code);
    assert.equal(onEvent.Properties.Runtime, 'provided.al2023');
    const provider = api.cloudflareSetup!.provider;
    assert.ok(provider.isCompleteHandler);
    // The waiter: queryInterval 20 s, at most 45 minutes (135 attempts).
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as any[];
    assert.equal(machines.length, 1);
    const definition = JSON.stringify(machines[0].Properties.DefinitionString);
    assert.match(definition, /\\"IntervalSeconds\\":20/);
    assert.match(definition, /\\"MaxAttempts\\":135/);
  });

  it('the setup role: ACM in us-east-1 only, GetSecretValue on exactly the token and the origin secret', () => {
    const { template } = build();
    const [, onEvent] = phaseFunction(template, 'on-event');
    const roleId = onEvent.Properties.Role['Fn::GetAtt'][0];
    const secretId = Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0];
    const statements = statementsOf(template, roleId);
    assert.deepEqual(statements, [
      { Action: 'acm:RequestCertificate', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, Effect: 'Allow', Resource: '*' },
      {
        Action: ['acm:DescribeCertificate', 'acm:DeleteCertificate'], Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':acm:us-east-1:111122223333:certificate/*']] },
      },
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: [TOKEN_SECRET_ARN, { Ref: secretId }] },
    ]);
  });

  it('a token secret imported by name is named with its six-character suffix', () => {
    const { stack } = testStack('eu-west-1');
    const byName = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'oac-kit/cloudflare-token');
    const { template } = build({ apiToken: byName });
    const json = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    assert.match(json, /secret:oac-kit\/cloudflare-token-\?\?\?\?\?\?/);
  });

  it('a token secret under a customer managed key: both roles may kms:Decrypt with that key, nothing more', () => {
    const { stack } = testStack('eu-west-1');
    const encryptionKey = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const apiToken = secretsmanager.Secret.fromSecretAttributes(stack, 'Cmk', { secretCompleteArn: TOKEN_SECRET_ARN, encryptionKey });
    const { template } = build({ apiToken });
    const decrypts = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => JSON.stringify(st.Action).includes('kms:'));
    assert.equal(decrypts.length, 2, JSON.stringify(decrypts));
    for (const st of decrypts) {
      assert.deepEqual(st, { Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    }
  });

  it('rotation: every 30 days by default, the rotation zip, the contract env, not at deploy, after the Zone resource', () => {
    const { template } = build({ hostnames: ['api.example.com', 'www.example.com'] });
    const schedules = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule')) as any[];
    assert.equal(schedules.length, 1);
    assert.equal(schedules[0].Properties.RotationRules.ScheduleExpression, 'rate(30 days)');
    assert.equal(schedules[0].Properties.RotateImmediatelyOnUpdate, false);
    const zoneId = Object.keys(template.findResources('Custom::OacKitCloudflareZone'))[0];
    assert.ok(schedules[0].DependsOn.includes(zoneId), `${schedules[0].DependsOn}`);
    const fnId = schedules[0].Properties.RotationLambdaARN['Fn::GetAtt'][0];
    const fn = template.toJSON().Resources[fnId];
    const vars = fn.Properties.Environment.Variables;
    const storeId = Object.keys(template.findResources('AWS::CloudFront::KeyValueStore'))[0];
    assert.deepEqual({ ...vars, CLOUDFLARE_RULE_REF: undefined }, {
      KVS_ARN: { 'Fn::GetAtt': [storeId, 'Arn'] }, CLOUDFLARE_ZONE_ID: ZONE_ID, CLOUDFLARE_TOKEN_SECRET_ARN: TOKEN_SECRET_ARN,
      CLOUDFLARE_RULE_REF: undefined, HOSTNAMES: 'api.example.com,www.example.com', ORIGIN_SECRET_HEADER: 'x-origin-secret',
      TEST_URL: 'https://api.example.com/health',
    });
    assert.match(vars.CLOUDFLARE_RULE_REF, /^oac-kit-origin-secret-/);
  });

  it('rotation: another period, or none', () => {
    const every7 = build({ rotation: Duration.days(7) }).template;
    every7.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
    const manual = build({ rotation: false }).template;
    manual.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    manual.resourceCountIs('Custom::OacKitCloudflareZone', 1);
  });

  it('the rotation role: exactly this secret\'s rotation actions, the token, this store; no GetRandomPassword', () => {
    const { template } = build();
    const [schedule] = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule')) as any[];
    const fn = template.toJSON().Resources[schedule.Properties.RotationLambdaARN['Fn::GetAtt'][0]];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const secretId = Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0];
    const storeId = Object.keys(template.findResources('AWS::CloudFront::KeyValueStore'))[0];
    assert.deepEqual(statementsOf(template, roleId), [
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        Effect: 'Allow', Resource: { Ref: secretId },
      },
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: TOKEN_SECRET_ARN },
      {
        Action: ['cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:GetKey', 'cloudfront-keyvaluestore:ListKeys', 'cloudfront-keyvaluestore:UpdateKeys'],
        Effect: 'Allow', Resource: { 'Fn::GetAtt': [storeId, 'Arn'] },
      },
    ]);
    assert.doesNotMatch(JSON.stringify(template.toJSON()), /GetRandomPassword/);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'secretsmanager.amazonaws.com', FunctionName: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
  });

  it('the rotation errors alarm notifies the chain\'s topic', () => {
    const { stack } = testStack('us-east-1');
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:111122223333:alarms');
    const { template } = build({}, { observability: { alarmTopic: topic } }, 'us-east-1');
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('ApiRotationErrorsAlarm'));
    assert.equal(alarms.length, 1);
    const alarm = alarms[0][1] as any;
    assert.equal(alarm.Properties.MetricName, 'Errors');
    assert.deepEqual(alarm.Properties.AlarmActions, ['arn:aws:sns:us-east-1:111122223333:alarms']);
    assert.deepEqual(alarm.Properties.OKActions, ['arn:aws:sns:us-east-1:111122223333:alarms']);
  });

  it('with rotation on, the secret has no SMG4 acknowledgement; without, it has', () => {
    const ack = (api: OacProtectedApi) => JSON.stringify(api.rangeSync!.secret.node.metadata).includes('AwsSolutions-SMG4');
    assert.equal(ack(build().api), false);
    assert.equal(ack(build({ rotation: false }).api), true);
  });
});
