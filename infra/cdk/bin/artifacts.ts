// The build outputs the app deploys, checked before any construct is made: a fresh clone that runs
// `cdk synth` before building gets one line naming the command that builds them, not a stack trace.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The command that builds every artifact and then runs the CDK CLI (xtask/src/cdk.rs). */
export const BUILD_COMMAND = 'cargo xtask synth';

/** The artifacts missing under `targetDir`, as the paths relative to it that were expected. */
export function missingArtifacts(targetDir: string, relativePaths: readonly string[]): string[] {
  return relativePaths.filter((p) => !existsSync(path.join(targetDir, p)));
}

/** The one-line hint printed when artifacts are missing. */
export function missingArtifactsHint(targetDir: string, missing: readonly string[]): string {
  return `oac-kit: build artifacts missing in ${targetDir} (${missing.join(', ')}): run \`${BUILD_COMMAND}\` ` +
    '(or `cargo xtask deploy -- <cdk args>`) from the repository root';
}
