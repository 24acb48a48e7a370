// The `viewerMtls` prop: CloudFront requires a client certificate of our own CA from its viewer
// (Cloudflare's Authenticated Origin Pulls), with the synth-time refusals of what AWS documents as
// unsupported or what would break it. Pure: values in, values or errors out.
import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { IConstruct } from 'constructs';
import { ownerRef } from './cloudflare.js';

/**
 * CloudFront viewer mTLS bound to our Cloudflare zone (docs/deploying.md#viewer-mtls-bound-to-the-zone-by-certificate): a CA of our
 * own issues the client certificate Cloudflare presents (Authenticated Origin Pulls, per hostname),
 * the distribution requires a certificate of that CA, and a Connection Function admits only the
 * serial numbers listed in its KeyValueStore. Needs `cloudflare`.
 */
export interface ViewerMtlsProps {
  /**
   * Keep the origin secret as a second layer (default true). `false` drops it: the viewer filter
   * checks the address only and the zone's Transform Rule is not written; the certificate alone
   * binds the connection to the zone.
   */
  readonly keepOriginSecret?: boolean;
  /** How long each client certificate is valid: whole days, 14 to 397. Default 90 days. */
  readonly clientCertificateValidity?: Duration;
  /**
   * How long before expiry the renewal starts: whole days, at least 7 and at most half the
   * validity. Default 30 days.
   */
  readonly renewBefore?: Duration;
}

/** The checked settings (days as the custom resource takes them). */
export interface ViewerMtlsSettings {
  readonly keepOriginSecret: boolean;
  readonly clientValidityDays: number;
  readonly renewBeforeDays: number;
}

/** What else the construct was given that `viewerMtls` must agree with. */
export interface ViewerMtlsContext {
  /** Whether `cloudflare` is set (the certificate is uploaded to the zone through it). */
  readonly cloudflare: boolean;
  /** The distribution's alternate domain names (the cloudflare hostnames, or `domainNames`). */
  readonly domainNames?: readonly string[];
  /** `httpVersion` as given (undefined: the construct chooses). */
  readonly httpVersion?: cloudfront.HttpVersion;
  /** Whether `originSecret` was given, and whether as the opt-out. */
  readonly originSecret: 'default' | 'settings' | 'ip-check-only';
}

/** Bounds of the client certificate's validity (see {@link ViewerMtlsProps.clientCertificateValidity}). */
export const MIN_VALIDITY_DAYS = 14;
/** A key that lives in Cloudflare and Secrets Manager is replaced at least every 13 months. */
export const MAX_VALIDITY_DAYS = 397;
/**
 * The renewal needs four daily runs (issue, list, switch a run after listing, retire) and room for
 * failed days before the active certificate expires.
 */
export const MIN_RENEW_BEFORE_DAYS = 7;
/** What the custom resource and the renewal do to the CA's secret, and nothing more. */
export const CA_SECRET_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'];
/** What they do to the Connection Function's store of admitted serials, and nothing more. */
export const SERIAL_STORE_ACTIONS = [
  'cloudfront-keyvaluestore:DescribeKeyValueStore',
  'cloudfront-keyvaluestore:ListKeys',
  'cloudfront-keyvaluestore:UpdateKeys',
];
/** The daily renewal schedule (one step per run at most). */
export const RENEWAL_SCHEDULE = Duration.days(1);

/** Applies the defaults and refuses what cannot work; `undefined` when `viewerMtls` is not set. */
export function viewerMtlsSettings(p: ViewerMtlsProps | undefined, c: ViewerMtlsContext): ViewerMtlsSettings | undefined {
  if (p === undefined) return undefined;
  if (p === null || typeof p !== 'object') {
    throw new Error('viewerMtls: give settings ({} for the defaults)');
  }
  if (!c.cloudflare) {
    throw new Error('viewerMtls needs cloudflare: the zone\'s Authenticated Origin Pulls certificate is uploaded through it');
  }
  if (!c.domainNames?.length) {
    throw new Error('viewerMtls needs a custom domain: AWS does not document viewer mTLS with the default *.cloudfront.net certificate');
  }
  if (c.httpVersion !== undefined && c.httpVersion !== cloudfront.HttpVersion.HTTP2) {
    throw new Error(`viewerMtls with httpVersion ${JSON.stringify(c.httpVersion)}: CloudFront's viewer mTLS needs HTTP/2 and is not supported on HTTP/3 (Developer Guide, "Enable mutual TLS for CloudFront distributions"); leave httpVersion out or set HTTP2`);
  }
  const keepOriginSecret = p.keepOriginSecret ?? true;
  if (typeof keepOriginSecret !== 'boolean') {
    throw new Error(`viewerMtls.keepOriginSecret ${JSON.stringify(keepOriginSecret)}: true (default) or false`);
  }
  if (keepOriginSecret && c.originSecret === 'ip-check-only') {
    throw new Error('viewerMtls keeps the origin secret unless told otherwise: set viewerMtls.keepOriginSecret: false to drop it, not originSecret: IP_CHECK_ONLY');
  }
  if (!keepOriginSecret && c.originSecret === 'settings') {
    throw new Error('viewerMtls.keepOriginSecret: false drops the origin secret, but originSecret settings are given: remove one of the two');
  }
  const clientValidityDays = wholeDays(p.clientCertificateValidity ?? Duration.days(90), 'viewerMtls.clientCertificateValidity');
  if (clientValidityDays < MIN_VALIDITY_DAYS || clientValidityDays > MAX_VALIDITY_DAYS) {
    throw new Error(`viewerMtls.clientCertificateValidity ${clientValidityDays} days: between ${MIN_VALIDITY_DAYS} and ${MAX_VALIDITY_DAYS} days`);
  }
  const renewBeforeDays = wholeDays(p.renewBefore ?? Duration.days(30), 'viewerMtls.renewBefore');
  if (renewBeforeDays < MIN_RENEW_BEFORE_DAYS) {
    throw new Error(`viewerMtls.renewBefore ${renewBeforeDays} days: at least ${MIN_RENEW_BEFORE_DAYS} (the renewal takes four daily runs, and failed days must fit before expiry)`);
  }
  if (renewBeforeDays * 2 > clientValidityDays) {
    throw new Error(`viewerMtls.renewBefore ${renewBeforeDays} days: at most half of clientCertificateValidity (${clientValidityDays} days), so that a certificate serves at least as long as it is renewed`);
  }
  return { keepOriginSecret, clientValidityDays, renewBeforeDays };
}

function wholeDays(d: Duration, name: string): number {
  if (typeof (d as Partial<Duration> | undefined)?.toHours !== 'function') throw new Error(`${name}: a Duration (Duration.days(n))`);
  const hours = d.toHours({ integral: false });
  if (!Number.isInteger(hours / 24)) {
    throw new Error(`${name} ${d.toHumanString()}: a whole number of days (the certificate's validity is counted in days)`);
  }
  return hours / 24;
}

/** `oac-kit-origin-pull-` + a stable hash of the stack and the construct's path: the certificate's owner tag. */
export function originPullRef(scope: IConstruct): string {
  return ownerRef(scope, 'oac-kit-origin-pull');
}
