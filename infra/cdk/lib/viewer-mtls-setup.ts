// Viewer mTLS bound to our Cloudflare zone (docs/deploying.md#viewer-mtls-bound-to-the-zone-by-certificate): the CA's secret (created
// empty: only the Lambda writes it), the `OriginPullCertificate` custom resource on the cloudflare-setup
// provider, the CA bundle in S3 and the trust store reading it, the Connection Function with its own
// KeyValueStore of admitted serials, the daily renewal, and the distribution's ViewerMtlsConfig.
import { readFileSync } from 'node:fs';
import { CfnOutput, CustomResource, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { checkConnectionFunction } from './artifact-checks.js';
import type { CloudflareSettings } from './cloudflare.js';
import { CloudflareSetup, secretArnForPolicy } from './cloudflare-setup.js';
import { anyErrorAlarm } from './range-sync.js';
import { CA_SECRET_ACTIONS, RENEWAL_SCHEDULE, SERIAL_STORE_ACTIONS, ViewerMtlsSettings } from './viewer-mtls.js';

/** The trust store's CA bundle in its bucket. */
export const CA_BUNDLE_KEY = 'ca-bundle.pem';
/** The runtime of the Connection Function (the only one CloudFormation accepts). */
export const CONNECTION_FUNCTION_RUNTIME = 'cloudfront-js-2.0';

/** Props of {@link ViewerMtlsSetup}. */
export interface ViewerMtlsSetupProps {
  readonly settings: ViewerMtlsSettings;
  readonly cloudflare: CloudflareSettings;
  /** The provider (and role) the `OriginPullCertificate` resource runs on. */
  readonly setup: CloudflareSetup;
  /** `target/edge/viewer-mtls.connection.js` (its sidecar beside it). */
  readonly connectionFunction: string;
  /** cargo-lambda's `target/lambda/cloudflare-setup/bootstrap.zip`: the renewal runs it with `CR_PHASE=renew`. */
  readonly code: string;
  /** The owner tag of our certificates in Cloudflare ({@link originPullRef}). */
  readonly ref: string;
  readonly architecture: lambda.Architecture;
  readonly logRetention: logs.RetentionDays;
  /** Where the renewal's errors alarm notifies (ALARM and OK). */
  readonly alarmTopic?: sns.ITopic;
}

/** Everything viewer mTLS needs but the distribution's settings ({@link ViewerMtlsSetup.applyTo}). */
export class ViewerMtlsSetup extends Construct {
  /** The CA and the client certificates with their keys (contract 4); created empty. */
  readonly caSecret: secretsmanager.Secret;
  /** The serials the Connection Function admits (`serial:<hex>`). */
  readonly serialStore: cloudfront.KeyValueStore;
  /** The CA bundle the trust store reads. */
  readonly bucket: s3.Bucket;
  /** `Custom::OacKitOriginPullCertificate` (Kind `OriginPullCertificate`). */
  readonly certificate: CustomResource;
  /** The S3 write of the custom resource's `CaCertificatePem`. */
  readonly bundleWrite: cr.AwsCustomResource;
  readonly trustStore: cloudfront.CfnTrustStore;
  readonly connectionFunction: cloudfront.CfnConnectionFunction;
  /** The renewal (`CR_PHASE=renew`), run daily by {@link schedule}. */
  readonly renewal: lambda.Function;
  readonly schedule: events.Rule;
  /** ALARM when a renewal run errored in the last day (the active certificate stays until it expires). */
  readonly renewalErrorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ViewerMtlsSetupProps) {
    super(scope, id);
    const built = checkConnectionFunction(props.connectionFunction);

    this.caSecret = new secretsmanager.Secret(this, 'CaSecret', {
      description: 'oac-kit viewer mTLS: the CA and the client certificates with their private keys (written by cloudflare-setup only)',
    });
    // Created as `{}` (what cloudflare-setup reads as "no CA yet"; a secret without any value would
    // answer GetSecretValue with ResourceNotFoundException): no generated string, nothing of the CA
    // in the template.
    const cfnCaSecret = this.caSecret.node.defaultChild as secretsmanager.CfnSecret;
    cfnCaSecret.addPropertyDeletionOverride('GenerateSecretString');
    cfnCaSecret.addPropertyOverride('SecretString', '{}');

    this.serialStore = new cloudfront.KeyValueStore(this, 'SerialStore', {
      comment: 'oac-kit viewer mTLS: the client certificate serials the Connection Function admits',
    });

    const properties = originPullProperties(props, this.caSecret, this.serialStore);
    this.certificate = props.setup.originPullCertificate(properties, this.caSecret, this.serialStore);

    this.bucket = new s3.Bucket(this, 'TrustStoreBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
    });
    const put: cr.AwsSdkCall = {
      service: 'S3',
      action: 'putObject',
      parameters: {
        Bucket: this.bucket.bucketName,
        Key: CA_BUNDLE_KEY,
        Body: this.certificate.getAttString('CaCertificatePem'),
        ContentType: 'application/x-pem-file',
      },
      physicalResourceId: cr.PhysicalResourceId.of(CA_BUNDLE_KEY),
      // Only the version id is kept as the resource's data (the trust store names that version).
      outputPaths: ['VersionId'],
    };
    this.bundleWrite = new cr.AwsCustomResource(this, 'CaBundleWrite', {
      // Again whenever the CA changes (a new PEM is a new call).
      onCreate: put,
      onUpdate: put,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(CA_BUNDLE_KEY)] }),
      ]),
      installLatestAwsSdk: false,
    });

    this.trustStore = new cloudfront.CfnTrustStore(this, 'TrustStore', {
      name: Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
      caCertificatesBundleSource: {
        caCertificatesBundleS3Location: {
          bucket: this.bucket.bucketName,
          key: CA_BUNDLE_KEY,
          region: Stack.of(this).region,
          version: this.bundleWrite.getResponseField('VersionId'),
        },
      },
    });
    this.trustStore.node.addDependency(this.bundleWrite);

    const fnScope = new Construct(this, 'Connection');
    this.connectionFunction = new cloudfront.CfnConnectionFunction(fnScope, 'Function', {
      name: Names.uniqueResourceName(fnScope, { maxLength: 64, separator: '-' }),
      // Only a LIVE function can be associated with a distribution.
      autoPublish: true,
      connectionFunctionCode: readFileSync(props.connectionFunction, 'utf8'),
      connectionFunctionConfig: {
        comment: `oac-kit viewer mTLS: admits only the serials listed under ${built.kvsKeyPrefix} in its store`,
        runtime: CONNECTION_FUNCTION_RUNTIME,
        keyValueStoreAssociations: [{ keyValueStoreArn: this.serialStore.keyValueStoreArn }],
      },
    });
    // The first serial is in the store before a connection can reach the function.
    this.connectionFunction.node.addDependency(this.certificate);

    this.renewal = this.renewalFunction(props);
    this.schedule = new events.Rule(this, 'RenewalSchedule', {
      description: 'oac-kit viewer mTLS: one renewal step a day (issue, list, switch, retire)',
      schedule: events.Schedule.rate(RENEWAL_SCHEDULE),
      targets: [new targets.LambdaFunction(this.renewal, { event: events.RuleTargetInput.fromObject(properties) })],
    });
    // The first run finds what the custom resource created.
    this.schedule.node.addDependency(this.certificate);
    this.renewalErrorsAlarm = anyErrorAlarm(this, 'RenewalErrorsAlarm', this.renewal, Duration.days(1),
      'oac-kit viewer mTLS: a renewal run failed in the last day; the active client certificate stays valid until it ' +
        'expires and the next run retries (docs/deploying.md, Viewer mTLS)', props.alarmTopic);

    new CfnOutput(this, 'SerialStoreArn', {
      value: this.serialStore.keyValueStoreArn,
      description: 'Revoke a client certificate without a deploy: aws cloudfront-keyvaluestore delete-key --kvs-arn <this> --key serial:<hex> --if-match <etag>',
    });
    new CfnOutput(this, 'RenewalFunctionName', {
      value: this.renewal.functionName,
      description: 'Run one renewal step now: aws lambda invoke --function-name <name> with the schedule\'s event (the custom resource\'s properties)',
    });
  }

  /** Requires a client certificate of the trust store (`required`, expiry checked) and runs the Connection Function. */
  applyTo(distribution: cloudfront.Distribution): void {
    const cfn = distribution.node.defaultChild as cloudfront.CfnDistribution;
    cfn.addPropertyOverride('DistributionConfig.ViewerMtlsConfig', {
      Mode: 'required',
      TrustStoreConfig: {
        TrustStoreId: this.trustStore.attrId,
        // Cloudflare presents the zone's certificate unasked; the CA's name is not advertised.
        AdvertiseTrustStoreCaNames: false,
        IgnoreCertificateExpiry: false,
      },
    });
    cfn.addPropertyOverride('DistributionConfig.ConnectionFunctionAssociation', { Id: this.connectionFunction.attrId });
  }

  /** The renewal Lambda: the cloudflare-setup zip with `CR_PHASE=renew`, on a role naming exactly what it touches. */
  private renewalFunction(props: ViewerMtlsSetupProps): lambda.Function {
    const role = new iam.Role(this, 'RenewalRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'oac-kit viewer mTLS renewal: the CA secret, the serial store, the Cloudflare token',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    for (const statement of originPullStatements(props.cloudflare, this.caSecret, this.serialStore)) role.addToPolicy(statement);
    props.cloudflare.apiToken.encryptionKey?.grantDecrypt(role);
    return new lambda.Function(this, 'Renewal', {
      description: 'oac-kit viewer mTLS renewal (cloudflare-setup, CR_PHASE=renew): one step of the client certificate\'s renewal',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: props.architecture,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(props.code),
      memorySize: 128,
      timeout: Duration.minutes(2),
      role: role.withoutPolicyUpdates(),
      logGroup: new logs.LogGroup(this, 'RenewalLogs', { retention: props.logRetention }),
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { CR_PHASE: 'renew' },
    });
  }
}

/**
 * The `OriginPullCertificate` properties (contract 5), which are also the renewal's event: kind,
 * zone, hostnames, token, CA secret, serial store, the two durations in days (strings) and the
 * owner tag.
 */
export function originPullProperties(
  props: Pick<ViewerMtlsSetupProps, 'settings' | 'cloudflare' | 'ref'>,
  caSecret: secretsmanager.ISecret,
  store: cloudfront.IKeyValueStore,
): Record<string, unknown> {
  return {
    Kind: 'OriginPullCertificate',
    ZoneId: props.cloudflare.zoneId,
    Hostnames: props.cloudflare.hostnames,
    ApiTokenSecretArn: props.cloudflare.apiToken.secretArn,
    CaSecretArn: caSecret.secretArn,
    KvsArn: store.keyValueStoreArn,
    ClientValidityDays: String(props.settings.clientValidityDays),
    RenewBeforeDays: String(props.settings.renewBeforeDays),
    Ref: props.ref,
  };
}

/** The statements of whoever runs `OriginPullCertificate` (custom resource or renewal): this secret, this store, the token. */
export function originPullStatements(
  cloudflare: CloudflareSettings,
  caSecret: secretsmanager.ISecret,
  store: cloudfront.IKeyValueStore,
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: CA_SECRET_ACTIONS, resources: [caSecret.secretArn] }),
    new iam.PolicyStatement({ actions: SERIAL_STORE_ACTIONS, resources: [store.keyValueStoreArn] }),
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArnForPolicy(cloudflare.apiToken)] }),
  ];
}
