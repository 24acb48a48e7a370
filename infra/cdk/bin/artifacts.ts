// The build outputs the app deploys, checked before any construct is made: a fresh clone that runs
// `cdk synth` before building gets one line naming the command that builds them, not a stack trace.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The command that builds every artifact and then runs the CDK CLI (xtask/src/cdk.rs). */
export const BUILD_COMMAND = 'cargo xtask synth';

/** Where each artifact is, relative to the target directory (as the registry xtask/src/functions.rs names them). */
export interface ArtifactPaths {
  readonly apiCode: string;
  readonly bodyHashBundle: string;
  readonly ipFilterCloudFrontFunction: string;
  readonly ipFilterKvsCloudFrontFunction: string;
  readonly ipFilterBundle: string;
  readonly rangeSyncCode: string;
  readonly cloudflareSetupCode: string;
  readonly originSecretRotationCode: string;
  readonly viewerMtlsConnectionFunction: string;
}

/** What decides which artifacts the construct reads. */
export interface Deployment {
  readonly viewerFilter: string;
  /** False when `originSecret` is opted out (`IP_CHECK_ONLY`). */
  readonly originSecret: boolean;
  /** `cloudflare` set: the custom resource's Lambda. */
  readonly cloudflare?: boolean;
  /** `cloudflare` set with rotation on: the rotation Lambda. */
  readonly rotation?: boolean;
  /** `viewerMtls` set: the Connection Function. */
  readonly viewerMtls?: boolean;
}

/**
 * The artifacts this deployment reads: the api and body-hash always; the Lambda@Edge bundle, or the
 * CloudFront Function (the KVS-mode one with the origin secret, the address-only one without); the
 * range-sync Lambda whenever the origin secret is on; with `cloudflare` the custom resource's Lambda
 * and (rotation on) the rotation Lambda; with `viewerMtls` the Connection Function.
 */
export function neededArtifacts(paths: ArtifactPaths, d: Deployment): string[] {
  const filter = d.viewerFilter === 'lambda-edge'
    ? paths.ipFilterBundle
    : d.originSecret ? paths.ipFilterKvsCloudFrontFunction : paths.ipFilterCloudFrontFunction;
  return [
    paths.apiCode, paths.bodyHashBundle, filter,
    ...(d.originSecret ? [paths.rangeSyncCode] : []),
    ...(d.cloudflare ? [paths.cloudflareSetupCode] : []),
    ...(d.cloudflare && d.rotation ? [paths.originSecretRotationCode] : []),
    ...(d.viewerMtls ? [paths.viewerMtlsConnectionFunction] : []),
  ];
}

/** The artifacts missing under `targetDir`, as the paths relative to it that were expected. */
export function missingArtifacts(targetDir: string, relativePaths: readonly string[]): string[] {
  return relativePaths.filter((p) => !existsSync(path.join(targetDir, p)));
}

/** The one-line hint printed when artifacts are missing. */
export function missingArtifactsHint(targetDir: string, missing: readonly string[]): string {
  return `oac-kit: build artifacts missing in ${targetDir} (${missing.join(', ')}): run \`${BUILD_COMMAND}\` ` +
    '(or `cargo xtask deploy -- <cdk args>`) from the repository root';
}
