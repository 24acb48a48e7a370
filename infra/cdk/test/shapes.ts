// Every origin shape the CDK tests build, as whole apps: the cdk-nag test checks each one and
// `scripts/synth-shapes.ts` writes their templates for cfn-lint (`cargo xtask test`).
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IP_CHECK_ONLY, OacProtectedApi, OacProtectedApiProps } from '../lib/oac-protected-api.js';
import { BuiltWith, STORE_ARN, TOKEN_SECRET_ARN, ZONE_ID, artifacts, testStack } from './support.js';

/** One deployable configuration of the construct. */
export interface Shape {
  /** Short name (used for its output directory). */
  readonly name: string;
  /** The stack's region: us-east-1 keeps the edge functions in-stack, elsewhere a support stack holds them. */
  readonly region: string;
  /** Props beside the stand-in artifacts; `certificate` is made in the stack when `withCertificate`. */
  readonly props: Partial<OacProtectedApiProps>;
  readonly withCertificate?: boolean;
  /** Give `cloudflare` (zone {@link ZONE_ID}, these hostnames, the token secret imported in the stack). */
  readonly cloudflareHostnames?: string[];
  /** What the stand-in artifacts were built with (e.g. the Lambda@Edge bundle's store ARN). */
  readonly built?: BuiltWith;
}

/** The origin secret is on unless a shape opts out (`originSecret: IP_CHECK_ONLY`). */
export const SHAPES: readonly Shape[] = [
  { name: 'lambda', region: 'eu-west-1', props: { lambdaOrigin: {} } },
  { name: 'lambda-ip-check-only', region: 'eu-west-1', props: { lambdaOrigin: {}, originSecret: IP_CHECK_ONLY } },
  // The Function URL streams unless told otherwise; this one buffers (the managed origin request policy).
  { name: 'lambda-buffered', region: 'eu-west-1', props: { lambdaOrigin: { invokeMode: 'BUFFERED' } } },
  {
    name: 'lambda-edge-filter-with-kvs-arn', region: 'eu-west-1',
    props: { lambdaOrigin: {}, viewerFilter: 'lambda-edge', originSecret: { keyValueStoreArn: STORE_ARN } },
    built: { bundleConfig: { kvsArn: STORE_ARN } },
  },
  { name: 'lambda-edge-filter-ip-check-only', region: 'eu-west-1', props: { lambdaOrigin: {}, viewerFilter: 'lambda-edge', originSecret: IP_CHECK_ONLY } },
  { name: 'lambda-in-us-east-1', region: 'us-east-1', props: { lambdaOrigin: {} } },
  { name: 'lambda-with-domain', region: 'eu-west-1', props: { lambdaOrigin: {}, domainNames: ['api.example.com'] }, withCertificate: true },
  { name: 'lambda-with-cloudflare', region: 'eu-west-1', props: { lambdaOrigin: {} }, cloudflareHostnames: ['api.example.com', 'www.example.com'] },
  // Viewer mTLS bound to the zone (the origin secret kept as a second layer), and without the secret.
  { name: 'lambda-with-viewer-mtls', region: 'eu-west-1', props: { lambdaOrigin: {}, viewerMtls: {} }, cloudflareHostnames: ['api.example.com'] },
  {
    name: 'lambda-with-viewer-mtls-only', region: 'us-east-1',
    props: { lambdaOrigin: {}, viewerMtls: { keepOriginSecret: false }, originSecret: IP_CHECK_ONLY }, cloudflareHostnames: ['api.example.com'],
  },
  { name: 'bucket-with-cloudflare-in-us-east-1', region: 'us-east-1', props: { staticSite: {} }, cloudflareHostnames: ['static.example.com'] },
  { name: 'bucket', region: 'eu-west-1', props: { staticSite: {} } },
  { name: 'lambda-and-bucket', region: 'eu-west-1', props: { lambdaOrigin: {}, staticSite: {}, staticPaths: ['/assets/*'] } },
];

/** Hooks of {@link buildShape}: props that need the stack (e.g. an imported topic), and additions after. */
export interface BuildOptions {
  /** Where `app.synth()` writes the cloud assembly (default: a temporary directory). */
  readonly outdir?: string;
  readonly props?: (stack: Stack) => Partial<OacProtectedApiProps>;
  readonly extend?: (stack: Stack, api: OacProtectedApi) => void;
}

/** The app of one shape: stack `Test` with the construct `Api`, plus the support stacks it makes. */
export function buildShape(shape: Shape, { outdir, props, extend }: BuildOptions = {}): App {
  const { app, stack } = testStack(shape.region, outdir);
  const certificate = shape.withCertificate
    ? acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:111122223333:certificate/abc')
    : undefined;
  const cloudflare = shape.cloudflareHostnames && {
    zoneId: ZONE_ID,
    hostnames: shape.cloudflareHostnames,
    apiToken: secretsmanager.Secret.fromSecretCompleteArn(stack, 'CloudflareToken', TOKEN_SECRET_ARN),
    // A static-only distribution has no /health to prove a new secret with: no automatic rotation.
    ...(shape.props.lambdaOrigin ? {} : { rotation: false as const }),
  };
  const api = new OacProtectedApi(stack, 'Api', { artifacts: artifacts(shape.built), certificate, cloudflare, ...shape.props, ...props?.(stack) });
  extend?.(stack, api);
  return app;
}
