// cdk-nag (AwsSolutions) findings that are by design in this chain, each acknowledged with its reason
// on the narrowest construct that carries it. Acknowledgements are CDK's own `Validations` metadata:
// apps that run cdk-nag see them; apps that do not are unaffected. test/cdk-nag.test.ts proves every
// shape of the construct has no unacknowledged finding.
import { CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { IConstruct } from 'constructs';
import type { AccessLogs } from './access-logs.js';
import type { CloudflareSetup } from './cloudflare-setup.js';
import type { OriginSecretRotation } from './origin-secret-rotation.js';
import type { RangeSync } from './range-sync.js';
import type { ViewerMtlsSetup } from './viewer-mtls-setup.js';

/** The managed policy every Lambda role here carries: CloudWatch Logs writes only. */
const BASIC_EXECUTION_ROLE = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/** What the construct made that cdk-nag has findings on. */
export interface NagScope {
  readonly distribution: cloudfront.Distribution;
  readonly hasCertificate: boolean;
  readonly api?: lambda.IFunction;
  readonly edgeFunctions: readonly cloudfront.experimental.EdgeFunction[];
  /** The access-log delivery, unless `accessLogs: false`. */
  readonly accessLogs?: AccessLogs;
  /** The bucket the construct made for `staticSite` (a bucket passed in is the app's to judge). */
  readonly staticBucket?: s3.IBucket;
  /** The origin secret and its range sync, unless `originSecret` is opted out. */
  readonly rangeSync?: RangeSync;
  /** The origin secret's rotation (`cloudflare` set, rotation on): SMG4 is then met, not acknowledged. */
  readonly rotation?: OriginSecretRotation;
  /** The Cloudflare custom resources and their provider. */
  readonly cloudflareSetup?: CloudflareSetup;
  /** The CA, its bucket and the renewal, with `viewerMtls`. */
  readonly viewerMtls?: ViewerMtlsSetup;
}

/** Acknowledges the by-design findings of one OacProtectedApi. */
export function acknowledgeNagFindings(s: NagScope): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

  ack(s.distribution, 'AwsSolutions-CFR1', 'Viewers are Cloudflare only (the viewer-request filter refuses every other address); ' +
    'geo restrictions belong in Cloudflare, which sees the real client');
  ack(s.distribution, 'AwsSolutions-CFR2', "Cloudflare's WAF is in front and the distribution admits only Cloudflare's ranges; " +
    'a second WAF on CloudFront would see only Cloudflare addresses');
  if (!s.hasCertificate) {
    ack(s.distribution, 'AwsSolutions-CFR4', 'Without a certificate the default *.cloudfront.net certificate fixes the policy at TLSv1; ' +
      'the only viewers are Cloudflare edges (TLS 1.2+). With `certificate`, TLSv1.2_2021 is set and this is not acknowledged');
  }
  if (s.api) {
    ack(s.api, BASIC_EXECUTION_ROLE, 'The AWS-managed basic execution policy grants only CloudWatch Logs writes; ' +
      'the table access is a separate policy scoped to the audit table');
  }
  for (const edge of s.edgeFunctions) {
    // In a stack outside us-east-1 the function lives in the support stack, outside this construct.
    for (const scope of [edge, edge.lambda]) {
      ack(scope, 'AwsSolutions-L1', 'Lambda@Edge bundles are built and tested for nodejs22.x (the N-API addon is checked ' +
        'against Node.js 22 on Amazon Linux 2023); a runtime change is a deliberate, tested step');
      ack(scope, BASIC_EXECUTION_ROLE, 'Lambda@Edge writes its logs to /aws/lambda/us-east-1.<name> in every region it runs in, ' +
        'so its log permissions cannot name one log group; the managed policy grants only CloudWatch Logs writes');
    }
  }
  if (s.accessLogs) {
    ack(s.distribution, 'AwsSolutions-CFR3', 'Access logs are on: CloudFront standard logging (v2), an AWS::Logs::Delivery ' +
      'to S3 (lib/access-logs.ts), which this rule (legacy DistributionConfig.Logging only) does not see');
    if (s.accessLogs.ownBucket) {
      ack(s.accessLogs.ownBucket, 'AwsSolutions-S1', 'This bucket receives the access logs; logging it would log the log deliveries');
    }
  }
  if (s.staticBucket && s.accessLogs) {
    ack(s.staticBucket, 'AwsSolutions-S1', 'Reads reach this bucket only through CloudFront (OAC), whose standard access logs record them');
  }
  if (s.rangeSync) acknowledgeRangeSync(s.rangeSync, s.rotation === undefined);
  if (s.rotation) acknowledgeRotation(s.rotation);
  if (s.cloudflareSetup) acknowledgeCloudflareSetup(s.cloudflareSetup);
  if (s.viewerMtls) acknowledgeViewerMtls(s.viewerMtls);
  if (s.rangeSync || s.viewerMtls) acknowledgeSdkCallProvider(s.distribution);
}

/** The CA's secret, the bundle's bucket and the renewal Lambda. */
function acknowledgeViewerMtls(m: ViewerMtlsSetup): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  ack(m.caSecret, 'AwsSolutions-SMG4', 'The client certificates in this secret are renewed by the daily renewal Lambda (issue, list ' +
    'both serials, switch Cloudflare, retire: no lockout); Secrets Manager\'s rotation could not drive the Cloudflare switch. The CA ' +
    'itself is replaced by a new deployment of the stack');
  ack(m.bucket, 'AwsSolutions-S1', 'The bucket holds one public CA certificate, written at deploy by an AwsCustomResource (in ' +
    'CloudTrail) and read by CloudFront when the trust store is created or updated; there is nothing secret to audit reads of');
  ack(m.node.findChild('RenewalRole'), BASIC_EXECUTION_ROLE, 'The AWS-managed basic execution policy grants only CloudWatch Logs ' +
    'writes; the CA secret, the serial store and the token are separate statements naming exactly those');
}

/** The one AwsCustomResource provider of a stack (the range sync's first run, the CA bundle's write). */
function acknowledgeSdkCallProvider(scope: IConstruct): void {
  const provider = Stack.of(scope).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  if (provider) {
    Validations.of(provider).acknowledge({
      id: BASIC_EXECUTION_ROLE,
      reason: 'The provider of the deploy-time SDK calls (AwsCustomResource) gets only CloudWatch Logs writes from the managed ' +
        'policy; its calls are lambda:InvokeFunction on the range-sync function and s3:PutObject on the CA bundle\'s key',
    });
  }
}

/** The origin secret, the range-sync Lambda, and the provider of its deploy-time sync (AwsCustomResource). */
function acknowledgeRangeSync(r: RangeSync, manualRotation: boolean): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  if (manualRotation) {
    ack(r.secret, 'AwsSolutions-SMG4', 'Rotation is manual without `cloudflare` (or with `rotation: false`): the new value must be ' +
      'in Cloudflare\'s Transform Rule before the old one is retired (docs/ip-filter.md, Operator\'s runbook: Rotation, step by step)');
  }
  ack(r.function, BASIC_EXECUTION_ROLE, 'The AWS-managed basic execution policy grants only CloudWatch Logs writes; the store ' +
    'and the secret are separate statements naming exactly this store and this secret');
}

/** The rotation Lambda. */
function acknowledgeRotation(r: OriginSecretRotation): void {
  Validations.of(r.node.findChild('Role')).acknowledge({
    id: BASIC_EXECUTION_ROLE,
    reason: 'The AWS-managed basic execution policy grants only CloudWatch Logs writes; the secret, the token and the store ' +
      'are separate statements naming exactly those',
  });
}

/** The custom resource's role and the provider framework's functions and waiter. */
function acknowledgeCloudflareSetup(c: CloudflareSetup): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  const stack = Stack.of(c);
  ack(c.role, BASIC_EXECUTION_ROLE, 'The AWS-managed basic execution policy grants only CloudWatch Logs writes; ACM and the ' +
    'two secrets are separate statements');
  ack(c.role, 'AwsSolutions-IAM5[Resource::*]', 'acm:RequestCertificate takes no resource ARN (Service Authorization Reference); ' +
    'the statement is held to us-east-1 by aws:RequestedRegion');
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  ack(c.role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:acm:us-east-1:${account}:certificate/*]`,
    'The certificate ARN is known only after RequestCertificate; Describe/Delete are held to this account\'s us-east-1 certificates');
  // `<fn>:*`: the framework invokes any version of the handlers it was given (CDK's provider framework).
  const versions = (fns: IConstruct[]) => fns.map((f) => `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(f.node.defaultChild as CfnElement)}.Arn>:*]`);
  const framework = (name: string) => c.provider.node.tryFindChild(name);
  for (const name of ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']) {
    const fn = framework(name);
    if (!fn) continue;
    ack(fn, BASIC_EXECUTION_ROLE, 'The CDK provider framework\'s functions get only CloudWatch Logs writes from the managed policy');
    for (const id of versions([c.onEvent, c.isComplete])) {
      ack(fn, id, 'The CDK provider framework invokes the handler it was given, any version (`<arn>:*`)');
    }
  }
  const waiter = framework('waiter-state-machine');
  if (waiter) {
    for (const id of versions([framework('framework-isComplete')!, framework('framework-onTimeout')!])) {
      ack(waiter, id, 'The provider framework\'s waiter invokes its isComplete and onTimeout functions, any version (`<arn>:*`)');
    }
    ack(waiter, 'AwsSolutions-SF1', 'The waiter only polls isComplete, whose JSON log records each poll and its outcome; an ' +
      'execution log of its own would need Step Functions\' log-delivery actions on `*`');
    ack(waiter, 'AwsSolutions-SF2', 'The waiter only polls isComplete; the handlers\' JSON logs carry each step, X-Ray would add nothing');
  }
}
