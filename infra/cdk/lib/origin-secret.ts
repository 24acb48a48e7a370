// The origin secret's settings and the synth-time checks that hold the deployed artifacts to them
// (docs/ip-filter.md, "Operator's runbook: origin secret"). Pure: values in, values or errors out.
import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';

/** The header name the artifacts are built with unless told otherwise (`--origin-secret-header`). */
export const DEFAULT_ORIGIN_SECRET_HEADER = 'x-origin-secret';
/** The explicit opt-out: the viewer filter checks the address only. */
export const IP_CHECK_ONLY = 'ip-check-only-anyones-cloudflare-zone-can-reach-you';

/** The origin secret: a header only our Cloudflare zone adds, checked at the edge beside the address. */
export interface OriginSecretProps {
  /**
   * The header Cloudflare's Transform Rule sets: lowercase, a header token, not `cf-*`/`x-cf-*`
   * (Cloudflare refuses to set those), not one CloudFront won't let the viewer filter remove
   * (`via`, `host`, `x-amz-cf-*`, ...). Must be the name the viewer-filter artifact was built with;
   * checked at synth. Default `x-origin-secret`.
   */
  readonly headerName?: string;
  /** How often the range-sync Lambda runs. Default every 15 minutes. */
  readonly syncSchedule?: events.Schedule;
  /** Alarm when no sync has succeeded for this many hours (1–168). Default 6. */
  readonly alarmAfterHours?: number;
  /** Where both alarms send their ALARM and OK notifications. Default: no actions. */
  readonly alarmTopic?: sns.ITopic;
  /** CPU architecture of the range-sync build (`provided.al2023`). Default x86_64. */
  readonly syncArchitecture?: lambda.Architecture;
  /** Log retention of the range-sync log group. Default one month. */
  readonly syncLogRetention?: logs.RetentionDays;
  /**
   * `viewerFilter: 'lambda-edge'` only (required there): the ARN of the KeyValueStore the bundle
   * was built for (`cargo xtask edge --kvs-arn`). Lambda@Edge has no KVS binding, so the construct
   * cannot create the store for it; checked at synth against the bundle's `config.json`.
   */
  readonly keyValueStoreArn?: string;
}

/**
 * `originSecret` of the construct: the settings (default `{}`: on), or {@link IP_CHECK_ONLY} to
 * check the address only — then anyone's Cloudflare zone (a free account, a Worker) can reach you.
 */
export type OriginSecretOption = OriginSecretProps | typeof IP_CHECK_ONLY;

/** The settings with their defaults applied and checked. */
export interface OriginSecretSettings {
  readonly headerName: string;
  readonly syncSchedule: events.Schedule;
  readonly alarmAfterHours: number;
  readonly alarmTopic?: sns.ITopic;
  readonly syncArchitecture: lambda.Architecture;
  readonly syncLogRetention: logs.RetentionDays;
  readonly keyValueStoreArn?: string;
}

/** An alarm period of an hour or more may span up to 7 days (CloudWatch PutMetricAlarm). */
const MAX_ALARM_HOURS = 168;
/** RFC 9110 token characters, lowercase only (HTTP/2 and CloudFront carry header names lowercase). */
const HEADER_TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/**
 * Headers the viewer filter may not delete, so it could never remove the secret: CloudFront's
 * disallowed headers and prefixes, those read-only at viewer request, and the hop-by-hop ones
 * (CloudFront Developer Guide, "Restrictions on all edge functions"). The rule's home is Rust
 * (`ip_filter_core::origin_secret::check_header_name`, over `cloudfront_event::reserved_headers`);
 * `test/header-name-cases.test.ts` holds this copy to it with the case table Rust writes.
 */
export const CLOUDFRONT_OWNED: ReadonlySet<string> = new Set([
  'connection', 'expect', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'trailer',
  'upgrade', 'x-amzn-auth', 'x-amzn-cf-billing', 'x-amzn-cf-id', 'x-amzn-cf-xff', 'x-amzn-errortype',
  'x-amzn-fle-profile', 'x-amzn-header-count', 'x-amzn-header-order', 'x-amzn-lambda-integration-tag',
  'x-amzn-requestid', 'x-cache', 'x-forwarded-proto', 'x-real-ip',
  'content-length', 'host', 'transfer-encoding', 'via',
  'te',
]);
export const CLOUDFRONT_OWNED_PREFIXES: readonly string[] = ['x-accel-', 'x-amz-cf-', 'x-edge-'];
/**
 * A KeyValueStore ARN: `arn:aws:cloudfront::<account>:key-value-store/<id>`, the id of
 * `[A-Za-z0-9-]`, at most 64 (the `aws` partition only: CloudFront's stores and Lambda@Edge are
 * not in another). The rule's home is Rust (`ip_filter_core::kvs_arn`, which the edge build and
 * the range sync apply); `test/kvs-arn-cases.test.ts` holds this copy to it with the case table
 * Rust writes.
 */
const KVS_ARN = /^arn:aws:cloudfront::[0-9]{12}:key-value-store\/[A-Za-z0-9-]{1,64}$/;

/** Applies the defaults and refuses settings that cannot work; `undefined` for the opt-out. */
export function originSecretSettings(option: OriginSecretOption | undefined): OriginSecretSettings | undefined {
  if (option === IP_CHECK_ONLY) return undefined;
  if (typeof option === 'string') {
    throw new Error(`originSecret ${JSON.stringify(option)}: give settings ({} for the defaults) or '${IP_CHECK_ONLY}' to opt out`);
  }
  const o = option ?? {};
  const alarmAfterHours = o.alarmAfterHours ?? 6;
  if (!Number.isInteger(alarmAfterHours) || alarmAfterHours < 1 || alarmAfterHours > MAX_ALARM_HOURS) {
    throw new Error(`originSecret.alarmAfterHours ${alarmAfterHours}: a whole number of hours, 1-${MAX_ALARM_HOURS}`);
  }
  if (o.keyValueStoreArn !== undefined) checkKeyValueStoreArn(o.keyValueStoreArn);
  return {
    headerName: checkHeaderName(o.headerName ?? DEFAULT_ORIGIN_SECRET_HEADER),
    syncSchedule: o.syncSchedule ?? events.Schedule.rate(Duration.minutes(15)),
    alarmAfterHours,
    alarmTopic: o.alarmTopic,
    syncArchitecture: o.syncArchitecture ?? lambda.Architecture.X86_64,
    syncLogRetention: o.syncLogRetention ?? logs.RetentionDays.ONE_MONTH,
    keyValueStoreArn: o.keyValueStoreArn,
  };
}

/** Throws unless `name` is a header name Cloudflare may set and the viewer filter may read and remove. */
export function checkHeaderName(name: string): string {
  if (!HEADER_TOKEN.test(name)) {
    throw new Error(`originSecret.headerName ${JSON.stringify(name)}: a lowercase header token of 1-64 characters`);
  }
  if (name.startsWith('cf-') || name.startsWith('x-cf-')) {
    throw new Error(`originSecret.headerName ${JSON.stringify(name)}: Cloudflare's Transform Rules cannot set cf-* or x-cf-* headers`);
  }
  if (CLOUDFRONT_OWNED.has(name) || CLOUDFRONT_OWNED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    throw new Error(`originSecret.headerName ${JSON.stringify(name)}: CloudFront does not let the viewer filter remove this header (disallowed, read-only or hop-by-hop)`);
  }
  return name;
}

/** Throws unless `arn` is a literal KeyValueStore ARN (it is baked into the bundle at build time). */
export function checkKeyValueStoreArn(arn: string): string {
  if (Token.isUnresolved(arn) || !KVS_ARN.test(arn)) {
    throw new Error(`originSecret.keyValueStoreArn ${JSON.stringify(arn)}: a literal arn:aws:cloudfront::<account>:key-value-store/<id> (it is baked into the bundle)`);
  }
  return arn;
}
