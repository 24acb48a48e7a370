// The Lambdalith's environment as the construct owns it: the per-deployment audience and the
// refusal of user entries that would override the construct's own settings.
import { createHash } from 'node:crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** What the api accepts as `IDENTITY_AUDIENCE` (functions/api/src/config.rs): 1–128 visible ASCII. */
const MAX_AUDIENCE_LEN = 128;
/** Room left for the account (12 digits) and the region in a derived audience. */
const MAX_LABEL_LEN = 64;

/**
 * The default audience of one deployment: `<account>:<region>:<stack name>/<construct path>`, e.g.
 * `111122223333:eu-west-1:OacKitApi/Api`. Deterministic (redeploying keeps it) and unique across
 * accounts, regions, stacks and constructs in a stack, so a value minted for one deployment never
 * verifies at another. The account and region may be tokens (an environment-agnostic stack); they
 * resolve to at most 12 digits and a region name. Characters outside `[A-Za-z0-9._/-]` and overlong
 * paths are replaced by a readable prefix plus a hash of the whole label.
 */
export function deploymentAudience(scope: Construct): string {
  const stack = Stack.of(scope);
  const withinStack = scope.node.path.slice(stack.node.path.length + 1);
  const label = `${stack.stackName}/${withinStack}`;
  let readable = label.replace(/[^A-Za-z0-9._/-]/g, '-');
  if (readable !== label || readable.length > MAX_LABEL_LEN) {
    const digest = createHash('sha256').update(label).digest('hex').slice(0, 12);
    readable = `${readable.slice(0, MAX_LABEL_LEN - 13)}~${digest}`;
  }
  return `${stack.account}:${stack.region}:${readable}`;
}

/**
 * Throws unless a given audience is one the api accepts (checked at synth when it is not a token).
 * The same rule as `fluid_identity::check_audience` (shared/fluid-identity/src/audience.rs), which the
 * signer, the verifier, the CLI and the api apply; keep the two in step.
 */
export function checkAudience(audience: string): string {
  if (Token.isUnresolved(audience)) return audience;
  if (audience.length < 1 || audience.length > MAX_AUDIENCE_LEN || !/^[\x21-\x7e]+$/.test(audience)) {
    throw new Error(`identity.audience ${JSON.stringify(audience)}: 1-${MAX_AUDIENCE_LEN} visible ASCII characters (the api refuses anything else)`);
  }
  return audience;
}

/** Keys the construct sets or that would redirect the store or identity checks. */
const OWNED_KEYS = ['STORE', 'TABLE_NAME', 'SQLITE_PATH', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_DYNAMODB', 'API_INVOKE_MODE'];
/** Key prefixes the construct owns: identity settings and every escape hatch. */
const OWNED_PREFIXES = ['IDENTITY_', 'UNSAFE_'];

/** Whether `key` is one the construct owns (compared case-insensitively: fail closed). */
export function isOwnedKey(key: string): boolean {
  const k = key.toUpperCase();
  return OWNED_KEYS.includes(k) || OWNED_PREFIXES.some((p) => k.startsWith(p));
}

/**
 * The function's environment: the construct's `owned` settings plus the user's `extra` entries.
 * Throws at synth if an extra entry would override (or add to) a key the construct owns.
 */
export function apiEnvironment(owned: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  const refused = Object.keys(extra).filter(isOwnedKey).sort();
  if (refused.length > 0) {
    throw new Error(
      `lambdaOrigin.environment must not set ${refused.join(', ')}: the construct owns the store, table, invoke mode ` +
      '(lambdaOrigin.invokeMode), identity (IDENTITY_*) and UNSAFE_* settings; use lambdaOrigin.identity for identity settings',
    );
  }
  return { ...extra, ...owned };
}
