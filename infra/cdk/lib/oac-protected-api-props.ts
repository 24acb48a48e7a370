// The props of OacProtectedApi (the construct's public configuration), apart from the construct
// that wires them (lib/oac-protected-api.ts re-exports every type here).
import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { AccessLogsOption } from './access-logs.js';
import type { ObservabilityOptions } from './chain-observability.js';
import type { CloudflareProps } from './cloudflare.js';
import type { InvokeMode } from './invoke-mode.js';
import type { OriginSecretOption } from './origin-secret.js';
import type { ViewerFilter } from './viewer-filter.js';
import type { ViewerMtlsProps } from './viewer-mtls.js';

/** Where the build put each artifact (see docs/deploying.md). */
export interface OacArtifacts {
  /** The Lambdalith: cargo-lambda's `target/lambda/<bin>/bootstrap.zip` (or its directory). */
  readonly apiCode?: string;
  /** The body-hash Lambda@Edge bundle: `target/edge/body-hash/body-hash.zip` (or its directory). */
  readonly bodyHashBundle: string;
  /** The address-only CloudFront Function (`originSecret` opted out): `target/edge/ip-filter.cloudfront.js`. */
  readonly ipFilterCloudFrontFunction?: string;
  /** The KVS-mode CloudFront Function (address + origin secret, the default): `target/edge/ip-filter-kvs.cloudfront.js`. */
  readonly ipFilterKvsCloudFrontFunction?: string;
  /** The ip-filter Lambda@Edge bundle: `target/edge/ip-filter/ip-filter.zip` (or its directory). */
  readonly ipFilterBundle?: string;
  /** The range-sync Lambda (origin secret on): `target/lambda/range-sync/bootstrap.zip` (or its directory). */
  readonly rangeSyncCode?: string;
  /** The Cloudflare custom resource (`cloudflare` set): `target/lambda/cloudflare-setup/bootstrap.zip` (or its directory). */
  readonly cloudflareSetupCode?: string;
  /** The origin secret's rotation (`cloudflare` set, rotation on): `target/lambda/origin-secret-rotation/bootstrap.zip`. */
  readonly originSecretRotationCode?: string;
  /** The viewer-mTLS Connection Function (`viewerMtls` set): `target/edge/viewer-mtls.connection.js`, its sidecar beside it. */
  readonly viewerMtlsConnectionFunction?: string;
}

/** The Lambdalith origin. */
export interface LambdaOriginProps {
  /** CPU architecture of the `provided.al2023` function (the build must match). Default x86_64. */
  readonly architecture?: lambda.Architecture;
  /** Memory in MiB. Default 256. */
  readonly memorySize?: number;
  /**
   * How the Function URL answers: `RESPONSE_STREAM` (default: server-sent events and exports past
   * 6 MB stream through CloudFront) or `BUFFERED`. The api's `API_INVOKE_MODE`, the default timeout
   * and the origin request policy follow it (docs/deploying.md#streaming).
   */
  readonly invokeMode?: InvokeMode;
  /** Timeout. Default 60 seconds with `RESPONSE_STREAM` (a stream ends at it), 10 with `BUFFERED`. */
  readonly timeout?: Duration;
  /**
   * Extra environment for the function (e.g. `LOG_LEVEL`, `MAX_BODY_BYTES`). Keys the construct
   * owns — `STORE`, `TABLE_NAME`, `SQLITE_PATH`, `AWS_ENDPOINT_URL[_DYNAMODB]`, `API_INVOKE_MODE`, `IDENTITY_*`,
   * `UNSAFE_*` — are refused at synth (identity settings go in `identity`).
   */
  readonly environment?: Record<string, string>;
  /** Log retention of the function's log group. Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /** Reserved concurrency (caps what one service may take of the account's pool). Default none. */
  readonly reservedConcurrency?: number;
  /** X-Fluid-Identity: this service's audience and the IAM ARN patterns of its readers and writers. */
  readonly identity?: IdentityProps;
}

/** Who may call the Lambdalith (see docs/identity.md for the pattern syntax). */
export interface IdentityProps {
  /**
   * The `x-fluid-audience` values must be signed for (1–128 visible ASCII). Default: one derived
   * for this deployment, `<account>:<region>:<stack name>/<construct path>` (output `Audience`).
   */
  readonly audience?: string;
  /** ARN patterns (`*` wildcards) allowed to read. */
  readonly readers?: string[];
  /** ARN patterns allowed to append (and read). */
  readonly writers?: string[];
  /**
   * Accept `federated-user/…` patterns (`IDENTITY_ALLOW_FEDERATED_USERS`): their names are chosen
   * by whoever calls `sts:GetFederationToken`. Default false: the api refuses to start with one.
   */
  readonly allowFederatedUsers?: boolean;
  /**
   * Accept a wildcard account (`arn:aws:iam::*:…`) and the bare `*` (`IDENTITY_ALLOW_ANY_ACCOUNT`):
   * every AWS account on earth, an attacker's included. Default false.
   */
  readonly allowAnyAccount?: boolean;
}

/** Props of {@link OacProtectedApi}: one per service. */
export interface OacProtectedApiProps {
  /** Build outputs to deploy. */
  readonly artifacts: OacArtifacts;
  /** The Lambdalith origin; omit for a static-only site. */
  readonly lambdaOrigin?: LambdaOriginProps;
  /** Serve a private bucket (alone, or for `staticPaths` beside the Lambda). */
  readonly staticSite?: { readonly bucket?: s3.IBucket };
  /** Path patterns (e.g. `/assets/*`) routed to the bucket when both origins exist. */
  readonly staticPaths?: string[];
  /** Cloudflare-only filter: the cheap CloudFront Function (default) or the Lambda@Edge bundle. */
  readonly viewerFilter?: ViewerFilter;
  /**
   * The second layer: a secret header only our Cloudflare zone adds, kept in a KeyValueStore by the
   * range-sync Lambda with the current Cloudflare ranges. Default on (`{}`); `IP_CHECK_ONLY` opts
   * out: IP check only, anyone's Cloudflare zone can reach you.
   */
  readonly originSecret?: OriginSecretOption;
  /** Certificate (us-east-1) for `domainNames` (with `cloudflare`: made by the Certificate resource unless given). */
  readonly certificate?: acm.ICertificate;
  /** Alternate domain names. Requires `certificate`; with `cloudflare` they are its hostnames. */
  readonly domainNames?: string[];
  /**
   * The viewer security policy with a certificate: `TLSv1.3_2025` (default, TLS 1.3 only) or
   * `TLSv1.2_2025` (TLS 1.2 and 1.3, for clients without 1.3). 2021 policies are not offered.
   */
  readonly viewerTlsPolicy?: 'TLSv1.3_2025' | 'TLSv1.2_2025';
  /**
   * The Cloudflare half as code: DNS records, the certificate, the SSL mode and the origin-secret
   * rule written at deploy time, and the origin secret rotated on a schedule (docs/deploying.md).
   */
  readonly cloudflare?: CloudflareProps;
  /**
   * Viewer mTLS bound to the zone (needs `cloudflare`): CloudFront requires the client certificate
   * our own CA issues and Cloudflare presents (Authenticated Origin Pulls), and a Connection Function
   * admits only the serials listed in its store; renewed daily without lockout (docs/deploying.md#viewer-mtls-bound-to-the-zone-by-certificate).
   */
  readonly viewerMtls?: ViewerMtlsProps;
  /**
   * The HTTP versions viewers may use. Default HTTP/2 and HTTP/3; HTTP/2 with `viewerMtls` (CloudFront's
   * viewer mTLS is not supported on HTTP/3, and another version is refused with it).
   */
  readonly httpVersion?: cloudfront.HttpVersion;
  /**
   * The distribution's standard access logs (CloudFront standard logging v2, delivered by CloudWatch
   * Logs to S3 under `AWSLogs/<account>/`): default on, into a bucket the construct makes;
   * `{ bucket }` for one of the app's; `false` for none.
   */
  readonly accessLogs?: AccessLogsOption;
  /** Alarms and a dashboard for the chain (lib/chain-observability.ts). Default on; `false` opts out. */
  readonly observability?: ObservabilityOptions | false;
}
