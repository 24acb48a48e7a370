// The `cloudflare` prop: the zone, the hostnames and the API token the custom resource and the
// rotation use, with the synth-time refusals of what cannot work. Pure: values in, values or errors out.
import { createHash } from 'node:crypto';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';

/** How the zone's SSL/TLS encryption mode is handled. */
export type SslMode = 'require-strict' | 'set-strict';

/** The Cloudflare half as code (docs/deploying.md): DNS, certificate validation, the origin-secret rule, rotation. */
export interface CloudflareProps {
  /** The zone's id (32 lowercase hex: the zone's Overview page, "API"). */
  readonly zoneId: string;
  /** The hostnames served (lowercase, in the zone): proxied CNAMEs to the distribution, its alternate domain names. */
  readonly hostnames: string[];
  /**
   * The secret whose SecretString is the API token (plain text), in the stack's region. A token is
   * never a prop string: it would land in the template.
   */
  readonly apiToken: secretsmanager.ISecret;
  /**
   * `require-strict` (default): the deploy fails unless the zone's SSL mode is already Full (strict);
   * `set-strict`: the deploy sets it (zone-wide, every hostname of the zone).
   */
  readonly sslMode?: SslMode;
  /**
   * How often the origin secret rotates. Default 30 days; 4 hours to 1000 days; `false`: manual
   * rotation. Without the origin secret (`viewerMtls.keepOriginSecret: false`) there is nothing to rotate.
   */
  readonly rotation?: Duration | false;
}

/** The checked settings. */
export interface CloudflareSettings {
  readonly zoneId: string;
  readonly hostnames: string[];
  readonly apiToken: secretsmanager.ISecret;
  readonly sslMode: SslMode;
  readonly rotation: Duration | false;
}

/** What else the construct was given that `cloudflare` must agree with. */
export interface CloudflareContext {
  /** False when `originSecret` is opted out (or dropped by `viewerMtls.keepOriginSecret: false`). */
  readonly originSecret: boolean;
  /** True with `viewerMtls.keepOriginSecret: false`: the client certificate binds the zone instead of the secret. */
  readonly viewerMtlsWithoutSecret?: boolean;
  readonly domainNames?: string[];
  /** False for a static-only distribution (no Lambdalith, so no `/health` to prove a new secret with). */
  readonly lambdaOrigin: boolean;
}

const ZONE_ID = /^[0-9a-f]{32}$/;
/** A lowercase DNS name of two or more labels (no wildcard: each name gets its own proxied record). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** ACM's default quota of names per certificate. */
export const MAX_HOSTNAMES = 10;
const MIN_ROTATION = Duration.hours(4);
const MAX_ROTATION = Duration.days(1000);

/** Applies the defaults and refuses settings that cannot work. */
export function cloudflareSettings(p: CloudflareProps, c: CloudflareContext): CloudflareSettings {
  if (!c.originSecret && !c.viewerMtlsWithoutSecret) {
    throw new Error('cloudflare needs the origin secret (the zone\'s rule sends it): remove originSecret: IP_CHECK_ONLY');
  }
  if (!c.originSecret && p.rotation !== undefined && p.rotation !== false) {
    throw new Error('cloudflare.rotation: viewerMtls.keepOriginSecret: false leaves no origin secret to rotate; leave rotation out');
  }
  if (c.originSecret && !c.lambdaOrigin && p.rotation !== false) {
    throw new Error('cloudflare.rotation: the rotation proves a new secret with GET /health of the Lambdalith, which a static-only distribution does not have: set cloudflare.rotation: false and rotate by the runbook (docs/ip-filter.md)');
  }
  if (typeof p.zoneId !== 'string' || Token.isUnresolved(p.zoneId) || !ZONE_ID.test(p.zoneId)) {
    throw new Error(`cloudflare.zoneId ${JSON.stringify(p.zoneId)}: the zone id, 32 lowercase hex characters`);
  }
  if (!Array.isArray(p.hostnames) || p.hostnames.length === 0) {
    throw new Error('cloudflare.hostnames: give at least one hostname');
  }
  if (p.hostnames.length > MAX_HOSTNAMES) {
    throw new Error(`cloudflare.hostnames: ${p.hostnames.length} names; one certificate holds at most ${MAX_HOSTNAMES} (ACM's default quota)`);
  }
  for (const h of p.hostnames) checkHostname(h);
  const seen = new Set<string>();
  for (const h of p.hostnames) {
    if (seen.has(h)) throw new Error(`cloudflare.hostnames: ${JSON.stringify(h)} is listed twice`);
    seen.add(h);
  }
  if (c.domainNames?.length && !sameSet(c.domainNames, p.hostnames)) {
    throw new Error('domainNames differ from cloudflare.hostnames: with cloudflare, leave domainNames out (they are the hostnames)');
  }
  const token: unknown = p.apiToken;
  if (typeof token === 'string' || typeof (token as secretsmanager.ISecret | undefined)?.secretArn !== 'string') {
    throw new Error('cloudflare.apiToken: a Secrets Manager secret holding the token (secretsmanager.Secret.fromSecretCompleteArn), never the token itself');
  }
  const sslMode = p.sslMode ?? 'require-strict';
  if (sslMode !== 'require-strict' && sslMode !== 'set-strict') {
    throw new Error(`cloudflare.sslMode ${JSON.stringify(sslMode)}: 'require-strict' or 'set-strict'`);
  }
  const rotation = c.originSecret ? p.rotation ?? Duration.days(30) : false;
  if (rotation !== false) {
    const ms = rotation.toMilliseconds();
    if (!(ms >= MIN_ROTATION.toMilliseconds() && ms <= MAX_ROTATION.toMilliseconds())) {
      throw new Error(`cloudflare.rotation ${rotation.toHumanString()}: between 4 hours and 1000 days (Secrets Manager), or false for manual rotation`);
    }
  }
  return { zoneId: p.zoneId, hostnames: [...p.hostnames], apiToken: p.apiToken, sslMode, rotation };
}

/** Throws unless `h` is a lowercase hostname of two or more labels, at most 253 characters. */
export function checkHostname(h: string): string {
  const ok = typeof h === 'string' && !Token.isUnresolved(h) && h.length <= 253 && h.split('.').length >= 2 &&
    h.split('.').every((l) => LABEL.test(l));
  if (!ok) {
    throw new Error(`cloudflare.hostnames: ${JSON.stringify(h)} is not a lowercase hostname (labels of a-z, 0-9, '-'; no wildcard, no trailing dot)`);
  }
  return h;
}

/** `oac-kit-origin-secret-` + a stable hash of the stack and the construct's path: the rule's `ref`. */
export function ruleRef(scope: IConstruct): string {
  return ownerRef(scope, 'oac-kit-origin-secret');
}

/** `<prefix>-` + 16 hex of a hash of the stack's name and the construct's path: what marks a Cloudflare object as ours. */
export function ownerRef(scope: IConstruct, prefix: string): string {
  const hash = createHash('sha256').update(`${Stack.of(scope).stackName}/${scope.node.path}`).digest('hex').slice(0, 16);
  return `${prefix}-${hash}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
