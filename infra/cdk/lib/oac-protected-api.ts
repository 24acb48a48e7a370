import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogs } from './access-logs.js';
import { apiEnvironment, checkAudience, deploymentAudience } from './api-environment.js';
import { ChainObservability } from './chain-observability.js';
import { cloudflareSettings, ruleRef } from './cloudflare.js';
import { CloudflareSetup } from './cloudflare-setup.js';
import { invokeModeSettings, originRequestPolicy } from './invoke-mode.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import type { LambdaOriginProps, OacProtectedApiProps } from './oac-protected-api-props.js';
import { IP_CHECK_ONLY, originSecretSettings } from './origin-secret.js';
import { OriginSecretRotation } from './origin-secret-rotation.js';
import { RangeSync } from './range-sync.js';
import { createViewerFilter, edgeFunctionProps, required } from './viewer-filter.js';
import { originPullRef, viewerMtlsSettings } from './viewer-mtls.js';
import { ViewerMtlsSetup } from './viewer-mtls-setup.js';

export { IP_CHECK_ONLY } from './origin-secret.js';
export type { OriginSecretOption, OriginSecretProps } from './origin-secret.js';
export type { CloudflareProps, SslMode } from './cloudflare.js';
export type { ViewerFilter } from './viewer-filter.js';
export type { InvokeMode } from './invoke-mode.js';
export type { ViewerMtlsProps } from './viewer-mtls.js';
export type { IdentityProps, LambdaOriginProps, OacArtifacts, OacProtectedApiProps } from './oac-protected-api-props.js';

/** The managed origin request policy that forwards everything but `Host` (a Function URL needs its own). */
export const ALL_VIEWER_EXCEPT_HOST_HEADER_ID = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/**
 * One service behind Cloudflare → CloudFront (OAC) → Lambda Function URL (`AWS_IAM`), and/or a
 * private bucket behind OAC. Correct by construction: the Function URL is never public, CloudFront
 * gets both invoke permissions scoped to this distribution, `Host` is never forwarded (nor, to a
 * streaming URL, `Accept-Encoding`), every behavior reaching the Lambda runs body-hash at
 * origin-request with the body included, and every behavior runs the Cloudflare-only viewer
 * filter: the address and, unless opted out, the origin secret our Cloudflare zone adds (its store
 * kept current by the range-sync Lambda). With `viewerMtls`, CloudFront also requires the client
 * certificate our own CA issued to the zone, and a Connection Function admits only listed serials.
 */
export class OacProtectedApi extends Construct {
  /** The distribution. */
  readonly distribution: cloudfront.Distribution;
  /** The Lambdalith, when there is a Lambda origin. */
  readonly function?: lambda.Function;
  /** Its Function URL (`AWS_IAM`). */
  readonly functionUrl?: lambda.FunctionUrl;
  /** The audit table of the Lambdalith. */
  readonly table?: dynamodb.Table;
  /** The static bucket, when there is one. */
  readonly bucket?: s3.IBucket;
  /** The body-hash Lambda@Edge function. */
  readonly bodyHash?: cloudfront.experimental.EdgeFunction;
  /** The audience callers sign X-Fluid-Identity values for, when there is a Lambda origin. */
  readonly audience?: string;
  /** The chain's alarms and dashboard, unless `observability: false`. */
  readonly observability?: ChainObservability;
  /** The origin secret and the range sync, unless `originSecret` is opted out. */
  readonly rangeSync?: RangeSync;
  /** The Cloudflare custom resources, with `cloudflare`. */
  readonly cloudflareSetup?: CloudflareSetup;
  /** The origin secret's rotation, with `cloudflare` (unless `rotation: false`). */
  readonly rotation?: OriginSecretRotation;
  /** The CA, the trust store, the Connection Function and the renewal, with `viewerMtls`. */
  readonly viewerMtls?: ViewerMtlsSetup;

  constructor(scope: Construct, id: string, props: OacProtectedApiProps) {
    super(scope, id);
    if (!props.lambdaOrigin && !props.staticSite) {
      throw new Error('OacProtectedApi needs a lambdaOrigin, a staticSite, or both');
    }
    if (props.staticPaths?.length && !(props.lambdaOrigin && props.staticSite)) {
      throw new Error('staticPaths route to the bucket beside a Lambda origin: give both lambdaOrigin and staticSite');
    }
    const mtls = viewerMtlsSettings(props.viewerMtls, {
      cloudflare: props.cloudflare !== undefined,
      domainNames: props.cloudflare?.hostnames ?? props.domainNames,
      httpVersion: props.httpVersion,
      originSecret: props.originSecret === undefined ? 'default' : props.originSecret === IP_CHECK_ONLY ? 'ip-check-only' : 'settings',
    });
    // viewerMtls.keepOriginSecret: false drops the secret (and with it the range sync and the rule).
    const secret = mtls?.keepOriginSecret === false ? undefined : originSecretSettings(props.originSecret);
    const cloudflare = props.cloudflare && cloudflareSettings(props.cloudflare, {
      originSecret: secret !== undefined, viewerMtlsWithoutSecret: mtls?.keepOriginSecret === false,
      domainNames: props.domainNames, lambdaOrigin: props.lambdaOrigin !== undefined,
    });
    if (props.domainNames?.length && !props.certificate && !cloudflare) {
      throw new Error('domainNames need a certificate (in us-east-1)');
    }
    const tlsPolicy = props.viewerTlsPolicy ?? 'TLSv1.3_2025';
    if (tlsPolicy !== 'TLSv1.3_2025' && tlsPolicy !== 'TLSv1.2_2025') {
      throw new Error(`viewerTlsPolicy ${JSON.stringify(tlsPolicy)}: 'TLSv1.3_2025' (default) or 'TLSv1.2_2025'`);
    }

    const filter = createViewerFilter(this, props.viewerFilter ?? 'cloudfront-function', props.artifacts, secret);
    if (secret && filter.keyValueStoreArn) {
      this.rangeSync = new RangeSync(this, 'RangeSync', {
        keyValueStoreArn: filter.keyValueStoreArn,
        code: required(props.artifacts.rangeSyncCode, 'artifacts.rangeSyncCode'),
        settings: secret,
      });
    }
    const rule = ruleRef(this);
    // The Lambdas of the Cloudflare half take the range sync's build settings (or their defaults without it).
    const architecture = secret?.syncArchitecture ?? lambda.Architecture.X86_64;
    const logRetention = secret?.syncLogRetention ?? logs.RetentionDays.ONE_MONTH;
    if (cloudflare) {
      this.cloudflareSetup = new CloudflareSetup(this, 'Cloudflare', {
        settings: cloudflare,
        code: required(props.artifacts.cloudflareSetupCode, 'artifacts.cloudflareSetupCode'),
        originSecret: this.rangeSync?.secret,
        originSecretHeader: secret?.headerName,
        ruleRef: rule,
        architecture,
        logRetention,
      });
    }
    if (mtls && cloudflare && this.cloudflareSetup) {
      this.viewerMtls = new ViewerMtlsSetup(this, 'ViewerMtls', {
        settings: mtls,
        cloudflare,
        setup: this.cloudflareSetup,
        connectionFunction: required(props.artifacts.viewerMtlsConnectionFunction, 'artifacts.viewerMtlsConnectionFunction'),
        code: required(props.artifacts.cloudflareSetupCode, 'artifacts.cloudflareSetupCode'),
        ref: originPullRef(this),
        architecture,
        logRetention,
        alarmTopic: secret?.alarmTopic ?? (props.observability || undefined)?.alarmTopic,
      });
    }
    // Viewer mTLS admits no behavior that speaks plain HTTP (not even to redirect it).
    const viewerProtocolPolicy = mtls ? cloudfront.ViewerProtocolPolicy.HTTPS_ONLY : cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS;
    const certificate = props.certificate ?? this.cloudflareSetup?.certificate();
    const viewer = filter.behavior;
    let lambdaBehavior: cloudfront.BehaviorOptions | undefined;
    if (props.lambdaOrigin) {
      lambdaBehavior = this.lambdaBehavior(props, props.lambdaOrigin, viewer, viewerProtocolPolicy);
    }
    let staticBehavior: cloudfront.BehaviorOptions | undefined;
    if (props.staticSite) {
      const bucket = props.staticSite.bucket ?? new s3.Bucket(this, 'StaticBucket', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        versioned: true,
      });
      (this as { bucket?: s3.IBucket }).bucket = bucket;
      staticBehavior = {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        ...viewer,
      };
    }

    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    if (lambdaBehavior && staticBehavior) {
      for (const p of props.staticPaths ?? []) additionalBehaviors[p] = staticBehavior;
    }
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `oac-kit ${id}`,
      defaultBehavior: (lambdaBehavior ?? staticBehavior)!,
      additionalBehaviors,
      certificate,
      domainNames: cloudflare?.hostnames ?? props.domainNames,
      // With the default *.cloudfront.net certificate the policy is fixed by CloudFront (TLSv1);
      // with a certificate, a 2025 policy (TLS 1.3 only unless opted down to 1.2).
      minimumProtocolVersion: certificate ? tlsPolicy as cloudfront.SecurityPolicyProtocol : undefined,
      httpVersion: props.httpVersion ?? (mtls ? cloudfront.HttpVersion.HTTP2 : cloudfront.HttpVersion.HTTP2_AND_3),
    });
    this.viewerMtls?.applyTo(this.distribution);
    const logDelivery = accessLogs(this, this.distribution, props.accessLogs);

    if (cloudflare && this.cloudflareSetup) {
      const zone = this.cloudflareSetup.zone(this.distribution);
      if (this.rangeSync && cloudflare.rotation !== false) {
        this.rotation = new OriginSecretRotation(this, 'Rotation', {
          settings: { ...cloudflare, rotation: cloudflare.rotation },
          code: required(props.artifacts.originSecretRotationCode, 'artifacts.originSecretRotationCode'),
          secret: this.rangeSync.secret,
          headerName: secret!.headerName,
          keyValueStoreArn: filter.keyValueStoreArn!,
          ruleRef: rule,
          architecture: secret!.syncArchitecture,
          logRetention: secret!.syncLogRetention,
          alarmTopic: secret!.alarmTopic ?? (props.observability || undefined)?.alarmTopic,
          after: zone,
        });
      }
    }

    new CfnOutput(this, 'DistributionDomainName', {
      value: this.distribution.distributionDomainName,
      description: 'Point the Cloudflare DNS record (proxied) here',
    });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    if (this.functionUrl) {
      new CfnOutput(this, 'FunctionUrl', {
        value: this.functionUrl.url,
        description: 'AWS_IAM: answers 403 to anything but CloudFront-signed requests',
      });
    }
    if (this.table) new CfnOutput(this, 'TableName', { value: this.table.tableName });
    if (this.audience) {
      new CfnOutput(this, 'Audience', {
        value: this.audience,
        description: 'Sign X-Fluid-Identity values for this: fluid-identity sign --audience <value>',
      });
    }
    if (logDelivery) new CfnOutput(this, 'AccessLogBucket', { value: logDelivery.bucket.bucketName });

    const edgeFunctions = Object.fromEntries(Object.entries({ BodyHash: 'BodyHash', IpFilter: 'IpFilterEdge' })
      .map(([label, id]) => [label, this.node.tryFindChild(id)])
      .filter((e): e is [string, cloudfront.experimental.EdgeFunction] => e[1] instanceof cloudfront.experimental.EdgeFunction));
    if (props.observability !== false) {
      this.observability = new ChainObservability(this, 'Observability', {
        ...props.observability, distribution: this.distribution, edgeFunctions, api: this.function,
        viewerFunction: this.node.tryFindChild('IpFilterFunction') as cloudfront.Function | undefined,
        otherAlarms: [
          ...this.rangeSync?.alarms ?? [],
          ...this.rotation ? [this.rotation.errorsAlarm] : [],
          ...this.viewerMtls ? [this.viewerMtls.renewalErrorsAlarm] : [],
        ],
      });
    }
    acknowledgeNagFindings({
      distribution: this.distribution,
      hasCertificate: certificate !== undefined,
      api: this.function,
      edgeFunctions: Object.values(edgeFunctions),
      accessLogs: logDelivery,
      staticBucket: this.node.tryFindChild('StaticBucket') as s3.Bucket | undefined,
      rangeSync: this.rangeSync,
      rotation: this.rotation,
      cloudflareSetup: this.cloudflareSetup,
      viewerMtls: this.viewerMtls,
    });
  }

  private lambdaBehavior(
    props: OacProtectedApiProps,
    o: LambdaOriginProps,
    viewer: Pick<cloudfront.BehaviorOptions, 'functionAssociations' | 'edgeLambdas'>,
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy,
  ): cloudfront.BehaviorOptions {
    const table = new dynamodb.Table(this, 'AuditTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Idempotency records expire after 24 h (the api writes `expires_at`).
      timeToLiveAttribute: 'expires_at',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Per deployment unless given: a shared default would let values replay across deployments.
    const audience = checkAudience(o.identity?.audience ?? deploymentAudience(this));
    const mode = invokeModeSettings(o.invokeMode);
    const logGroup = new logs.LogGroup(this, 'ApiLogs', {
      retention: o.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    const fn = new lambda.Function(this, 'Api', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: o.architecture ?? lambda.Architecture.X86_64,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(required(props.artifacts.apiCode, 'artifacts.apiCode')),
      memorySize: o.memorySize ?? 256,
      reservedConcurrentExecutions: o.reservedConcurrency,
      timeout: o.timeout ?? mode.defaultTimeout,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: apiEnvironment({
        STORE: 'dynamodb',
        TABLE_NAME: table.tableName,
        IDENTITY_AUDIENCE: audience,
        IDENTITY_READERS: (o.identity?.readers ?? []).join(','),
        IDENTITY_WRITERS: (o.identity?.writers ?? []).join(','),
        IDENTITY_ALLOW_FEDERATED_USERS: String(o.identity?.allowFederatedUsers ?? false),
        IDENTITY_ALLOW_ANY_ACCOUNT: String(o.identity?.allowAnyAccount ?? false),
        // The api answers in the URL's protocol: the two are set here together, never apart.
        API_INVOKE_MODE: mode.apiInvokeMode,
      }, o.environment),
    });
    table.grantReadWriteData(fn);
    const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM, invokeMode: mode.urlInvokeMode });
    Object.assign(this, { function: fn, functionUrl: url, table, audience });

    const bodyHash = new cloudfront.experimental.EdgeFunction(
      this, 'BodyHash', edgeFunctionProps(props.artifacts.bodyHashBundle, 'oac-kit body-hash (origin-request)'));
    (this as { bodyHash?: cloudfront.experimental.EdgeFunction }).bodyHash = bodyHash;

    return {
      // aws-cdk-lib 2.276 grants CloudFront both lambda:InvokeFunctionUrl and lambda:InvokeFunction
      // (the latter only via the Function URL), scoped to this distribution: URLs created since
      // October 2025 need both. The tests hold this release to it.
      origin: origins.FunctionUrlOrigin.withOriginAccessControl(url, {
        originAccessControl: new cloudfront.FunctionUrlOriginAccessControl(this, 'Oac', {
          signing: cloudfront.Signing.SIGV4_ALWAYS,
        }),
      }),
      viewerProtocolPolicy,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: originRequestPolicy(this, mode),
      // CloudFront compresses only answers with a Content-Length (never a stream); said outright.
      compress: false,
      functionAssociations: viewer.functionAssociations,
      edgeLambdas: [
        ...(viewer.edgeLambdas ?? []),
        { functionVersion: bodyHash.currentVersion, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST, includeBody: true },
      ],
    };
  }
}

/** Re-exported so apps need only this module. */
export { Stack };
