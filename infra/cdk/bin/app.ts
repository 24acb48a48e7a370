// The oac-kit CDK app: one OacProtectedApi for the Lambdalith. `cargo xtask synth` / `cargo xtask deploy`
// build every artifact it needs, then run the pinned CDK CLI (see docs/deploying.md).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CloudflareProps, IP_CHECK_ONLY, OacProtectedApi, OriginSecretOption, ViewerMtlsProps } from '../lib/oac-protected-api.js';
import { ArtifactPaths, missingArtifacts, missingArtifactsHint, neededArtifacts } from './artifacts.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const targetDir = process.env.OAC_KIT_TARGET_DIR ?? path.join(repo, 'target');
const target = (p: string) => path.join(targetDir, p);

/** A comma-separated `-c name=a,b` context value as a list. */
function listContext(name: string): string[] {
  const v = app.node.tryGetContext(name);
  return typeof v === 'string' && v.length > 0 ? v.split(',') : [];
}

/**
 * `-c originSecret=ip-check-only-anyones-cloudflare-zone-can-reach-you` opts out; otherwise
 * `-c originSecretHeader=NAME` and (Lambda@Edge filter) `-c kvsArn=ARN` tune it.
 */
function originSecretContext(): OriginSecretOption {
  if (app.node.tryGetContext('originSecret') === IP_CHECK_ONLY) return IP_CHECK_ONLY;
  return { headerName: app.node.tryGetContext('originSecretHeader'), keyValueStoreArn: app.node.tryGetContext('kvsArn') };
}

/** The Cloudflare settings from the context, as given (the construct checks them). */
interface CloudflareContext { zoneId: string; hostnames: string[]; tokenArn: string; sslMode?: CloudflareProps['sslMode']; rotation?: Duration | false }

/**
 * `-c cloudflareZoneId=<id> -c hostnames=a.example.com,b.example.com -c cloudflareApiTokenSecret=<secret ARN>`
 * (all three, or none); `-c cloudflareSslMode=set-strict` and `-c rotationDays=<n>|off` tune it.
 */
function cloudflareContext(): CloudflareContext | undefined {
  const zoneId = app.node.tryGetContext('cloudflareZoneId');
  const hostnames = listContext('hostnames');
  const tokenArn = app.node.tryGetContext('cloudflareApiTokenSecret');
  const given = [zoneId, hostnames.length > 0 ? hostnames : undefined, tokenArn].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given < 3) {
    console.error('oac-kit: the Cloudflare settings go together: -c cloudflareZoneId=<zone id> -c hostnames=<a,b> -c cloudflareApiTokenSecret=<secret ARN>');
    process.exit(1);
  }
  const days = app.node.tryGetContext('rotationDays');
  const rotation = days === undefined ? undefined : days === 'off' ? false : Duration.days(Number(days));
  return { zoneId, hostnames, tokenArn, sslMode: app.node.tryGetContext('cloudflareSslMode'), rotation };
}

/**
 * `-c viewerMtls=on` (the origin secret kept as a second layer) or `-c viewerMtls=without-origin-secret`
 * (the certificate alone; the origin secret is then off unless its settings are given, which is refused).
 */
function viewerMtlsContext(): ViewerMtlsProps | undefined {
  const v = app.node.tryGetContext('viewerMtls');
  if (v === undefined) return undefined;
  if (v === 'on') return {};
  if (v === 'without-origin-secret') return { keepOriginSecret: false };
  console.error(`oac-kit: -c viewerMtls=${v}: 'on' or 'without-origin-secret'`);
  process.exit(1);
}

// Offline synthesis (no AWS credentials, no Docker): nothing is bundled at synth time.
const app = new App({ postCliContext: { 'aws:cdk:bundling-stacks': [] } });
const viewerFilter = app.node.tryGetContext('viewerFilter') ?? 'cloudfront-function';
// Relative to the target directory; the viewer filter and the origin secret decide which are read.
const artifacts: ArtifactPaths = {
  apiCode: process.env.OAC_KIT_API_ZIP ?? 'lambda/api/bootstrap.zip',
  bodyHashBundle: 'edge/body-hash/body-hash.zip',
  ipFilterCloudFrontFunction: 'edge/ip-filter.cloudfront.js',
  ipFilterKvsCloudFrontFunction: 'edge/ip-filter-kvs.cloudfront.js',
  ipFilterBundle: 'edge/ip-filter/ip-filter.zip',
  rangeSyncCode: process.env.OAC_KIT_RANGE_SYNC_ZIP ?? 'lambda/range-sync/bootstrap.zip',
  cloudflareSetupCode: process.env.OAC_KIT_CLOUDFLARE_SETUP_ZIP ?? 'lambda/cloudflare-setup/bootstrap.zip',
  originSecretRotationCode: process.env.OAC_KIT_ORIGIN_SECRET_ROTATION_ZIP ?? 'lambda/origin-secret-rotation/bootstrap.zip',
  viewerMtlsConnectionFunction: 'edge/viewer-mtls.connection.js',
};
const viewerMtls = viewerMtlsContext();
const givenSecret = originSecretContext();
const secretSettingsGiven = typeof givenSecret === 'object' && Object.values(givenSecret).some((v) => v !== undefined);
const originSecret = viewerMtls?.keepOriginSecret === false && !secretSettingsGiven ? IP_CHECK_ONLY : givenSecret;
const cloudflare = cloudflareContext();
const needed = neededArtifacts(artifacts, {
  viewerFilter, originSecret: originSecret !== IP_CHECK_ONLY, cloudflare: cloudflare !== undefined,
  rotation: cloudflare?.rotation !== false && originSecret !== IP_CHECK_ONLY, viewerMtls: viewerMtls !== undefined,
});
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
    ipFilterKvsCloudFrontFunction: target(artifacts.ipFilterKvsCloudFrontFunction),
    ipFilterBundle: target(artifacts.ipFilterBundle),
    rangeSyncCode: target(artifacts.rangeSyncCode),
    cloudflareSetupCode: target(artifacts.cloudflareSetupCode),
    originSecretRotationCode: target(artifacts.originSecretRotationCode),
    viewerMtlsConnectionFunction: target(artifacts.viewerMtlsConnectionFunction),
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
  originSecret,
  cloudflare: cloudflare && {
    zoneId: cloudflare.zoneId,
    hostnames: cloudflare.hostnames,
    apiToken: secretsmanager.Secret.fromSecretCompleteArn(stack, 'CloudflareApiToken', cloudflare.tokenArn),
    sslMode: cloudflare.sslMode,
    rotation: cloudflare.rotation,
  },
  viewerMtls,
});
