// The oac-kit CDK app: one OacProtectedApi for the Lambdalith. `cargo xtask synth` / `cargo xtask deploy`
// build every artifact it needs, then run the pinned CDK CLI (see README).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { OacProtectedApi } from '../lib/oac-protected-api.js';
import { missingArtifacts, missingArtifactsHint } from './artifacts.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const targetDir = process.env.OAC_KIT_TARGET_DIR ?? path.join(repo, 'target');
const target = (p: string) => path.join(targetDir, p);

/** A comma-separated `-c name=a,b` context value as a list. */
function listContext(name: string): string[] {
  const v = app.node.tryGetContext(name);
  return typeof v === 'string' && v.length > 0 ? v.split(',') : [];
}

// Offline synthesis (no AWS credentials, no Docker): nothing is bundled at synth time.
const app = new App({ postCliContext: { 'aws:cdk:bundling-stacks': [] } });
const viewerFilter = app.node.tryGetContext('viewerFilter') ?? 'cloudfront-function';
// Relative to the target directory; the viewer filter in use decides which ip-filter artifact.
const artifacts = {
  apiCode: process.env.OAC_KIT_API_ZIP ?? 'lambda/api/bootstrap.zip',
  bodyHashBundle: 'edge/body-hash/body-hash.zip',
  ipFilterCloudFrontFunction: 'edge/ip-filter.cloudfront.js',
  ipFilterBundle: 'edge/ip-filter/ip-filter.zip',
};
const needed = [artifacts.apiCode, artifacts.bodyHashBundle,
  viewerFilter === 'lambda-edge' ? artifacts.ipFilterBundle : artifacts.ipFilterCloudFrontFunction];
const missing = missingArtifacts(targetDir, needed);
if (missing.length > 0) {
  console.error(missingArtifactsHint(targetDir, missing));
  process.exit(1);
}
const stack = new Stack(app, 'OacKitApi', {
  // Lambda@Edge functions live in us-east-1; the construct's support stack handles that, but it
  // needs this stack's region to be explicit.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.OAC_KIT_REGION ?? process.env.CDK_DEFAULT_REGION ?? 'eu-west-1' },
});
new OacProtectedApi(stack, 'Api', {
  artifacts: {
    apiCode: target(artifacts.apiCode),
    bodyHashBundle: target(artifacts.bodyHashBundle),
    ipFilterCloudFrontFunction: target(artifacts.ipFilterCloudFrontFunction),
    ipFilterBundle: target(artifacts.ipFilterBundle),
  },
  lambdaOrigin: {
    identity: {
      // Unset: the construct derives one for this deployment (stack output `Audience`).
      audience: app.node.tryGetContext('audience'),
      readers: listContext('readers'),
      writers: listContext('writers'),
    },
  },
  viewerFilter,
});
