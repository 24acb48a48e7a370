// The Cloudflare custom resources (functions/cloudflare-setup through the CDK provider framework):
// `Certificate` (ACM in us-east-1, validated through the zone's DNS), `Zone` (proxied CNAMEs to the
// distribution, the SSL mode, the origin-secret Transform Rule) and, with viewer mTLS,
// `OriginPullCertificate`. One role for both phases, naming exactly the secrets (and the store) it
// touches and ACM in us-east-1 only.
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { CloudflareSettings } from './cloudflare.js';
import { CA_SECRET_ACTIONS, SERIAL_STORE_ACTIONS } from './viewer-mtls.js';

/** ACM is always called here: CloudFront takes certificates from us-east-1 only. */
export const ACM_REGION = 'us-east-1';
/** What the Certificate resource does in ACM, and nothing more. */
export const ACM_ACTIONS = ['acm:RequestCertificate', 'acm:DescribeCertificate', 'acm:DeleteCertificate'];
/** How long a certificate may take to be issued before the deploy fails (ACM's DNS validation usually takes minutes). */
export const SETUP_TOTAL_TIMEOUT = Duration.minutes(45);
/** How often isComplete asks. */
export const SETUP_QUERY_INTERVAL = Duration.seconds(20);

/** Props of {@link CloudflareSetup}. */
export interface CloudflareSetupProps {
  readonly settings: CloudflareSettings;
  /** cargo-lambda's `target/lambda/cloudflare-setup/bootstrap.zip` (or its directory). */
  readonly code: string;
  /** The origin secret the Zone resource writes into the rule; none with `viewerMtls.keepOriginSecret: false` (no rule). */
  readonly originSecret?: secretsmanager.ISecret;
  readonly originSecretHeader?: string;
  /** The rule's `ref` ({@link ruleRef}). */
  readonly ruleRef: string;
  readonly architecture: lambda.Architecture;
  readonly logRetention: logs.RetentionDays;
}

/** The provider and the Certificate resource; {@link CloudflareSetup.zone} adds the Zone resource once the distribution exists. */
export class CloudflareSetup extends Construct {
  /** onEvent (`CR_PHASE=on-event`) and isComplete (`CR_PHASE=is-complete`), one zip. */
  readonly onEvent: lambda.Function;
  readonly isComplete: lambda.Function;
  /** Their one role. */
  readonly role: iam.Role;
  readonly provider: cr.Provider;
  private readonly props: CloudflareSetupProps;

  constructor(scope: Construct, id: string, props: CloudflareSetupProps) {
    super(scope, id);
    this.props = props;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'oac-kit cloudflare-setup: ACM in us-east-1, the Cloudflare token and the origin secret',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    const account = Stack.of(this).account;
    // RequestCertificate takes no resource ARN; the other two name this account's us-east-1 certificates.
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['acm:RequestCertificate'], resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': ACM_REGION } },
    }));
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['acm:DescribeCertificate', 'acm:DeleteCertificate'],
      resources: [`arn:${Stack.of(this).partition}:acm:${ACM_REGION}:${account}:certificate/*`],
      conditions: { StringEquals: { 'aws:RequestedRegion': ACM_REGION } },
    }));
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [props.settings.apiToken, props.originSecret].filter((s) => s !== undefined).map(secretArnForPolicy),
    }));
    props.settings.apiToken.encryptionKey?.grantDecrypt(this.role);
    const fn = (phase: 'on-event' | 'is-complete', name: string) => new lambda.Function(this, name, {
      description: `oac-kit cloudflare-setup (${phase})`,
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: props.architecture,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(props.code),
      memorySize: 128,
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: props.logRetention }),
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { CR_PHASE: phase },
    });
    this.onEvent = fn('on-event', 'OnEvent');
    this.isComplete = fn('is-complete', 'IsComplete');
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEvent,
      isCompleteHandler: this.isComplete,
      totalTimeout: SETUP_TOTAL_TIMEOUT,
      queryInterval: SETUP_QUERY_INTERVAL,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.logRetention }),
      // The waiter only calls isComplete, whose JSON log has each poll; its own execution log would
      // need Step Functions' log-delivery actions on `*` (CDK's provider framework leaves it off).
    });
  }

  /** The Certificate resource: an ACM certificate for the hostnames, validated through the zone. */
  certificate(): acm.ICertificate {
    const s = this.props.settings;
    const resource = new CustomResource(this, 'Certificate', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::OacKitCloudflareCertificate',
      properties: { Kind: 'Certificate', ZoneId: s.zoneId, Hostnames: s.hostnames, ApiTokenSecretArn: s.apiToken.secretArn },
    });
    return acm.Certificate.fromCertificateArn(this, 'IssuedCertificate', resource.getAttString('CertificateArn'));
  }

  /** The Zone resource, after `distribution`: records, SSL mode, the origin-secret rule. */
  zone(distribution: cloudfront.IDistribution): CustomResource {
    const s = this.props.settings;
    const resource = new CustomResource(this, 'Zone', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::OacKitCloudflareZone',
      properties: {
        Kind: 'Zone',
        ZoneId: s.zoneId,
        Hostnames: s.hostnames,
        ApiTokenSecretArn: s.apiToken.secretArn,
        DistributionDomainName: distribution.distributionDomainName,
        // Without the origin secret (viewer mTLS alone) the zone gets no rule.
        ...this.props.originSecret ? { OriginSecretArn: this.props.originSecret.secretArn, OriginSecretHeader: this.props.originSecretHeader } : {},
        SslMode: s.sslMode,
        RuleRef: this.props.ruleRef,
      },
    });
    resource.node.addDependency(distribution);
    return resource;
  }

  /**
   * The `OriginPullCertificate` resource (viewer mTLS) with `properties` (lib/viewer-mtls-setup.ts);
   * the role may read and write `caSecret` and the keys of `store`, nothing more of either.
   */
  originPullCertificate(properties: Record<string, unknown>, caSecret: secretsmanager.ISecret, store: cloudfront.IKeyValueStore): CustomResource {
    this.role.addToPolicy(new iam.PolicyStatement({ actions: CA_SECRET_ACTIONS, resources: [caSecret.secretArn] }));
    this.role.addToPolicy(new iam.PolicyStatement({ actions: SERIAL_STORE_ACTIONS, resources: [store.keyValueStoreArn] }));
    return new CustomResource(this, 'OriginPullCertificate', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::OacKitOriginPullCertificate',
      properties,
    });
  }
}

/** The ARN as IAM must name it: an imported partial ARN (by name) matches the six-character suffix. */
export function secretArnForPolicy(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}
