// The viewer-request filter of every behavior (address, and origin secret unless opted out): the
// CloudFront Function with its KeyValueStore, or the Lambda@Edge bundle reading a given store.
import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkAddressOnlyFunction, checkEdgeBundle, checkKvsFunction } from './artifact-checks.js';
import { DEFAULT_ORIGIN_SECRET_HEADER, OriginSecretSettings } from './origin-secret.js';

/** How viewer requests are restricted to Cloudflare. */
export type ViewerFilter = 'cloudfront-function' | 'lambda-edge';

/** The artifacts the viewer filter is built from (a subset of the construct's `artifacts`). */
export interface ViewerFilterArtifacts {
  readonly ipFilterCloudFrontFunction?: string;
  readonly ipFilterKvsCloudFrontFunction?: string;
  readonly ipFilterBundle?: string;
}

/** The filter as behaviors use it, and the store it reads (when the origin secret is on). */
export interface ViewerFilterParts {
  readonly behavior: Pick<cloudfront.BehaviorOptions, 'functionAssociations' | 'edgeLambdas'>;
  readonly keyValueStoreArn?: string;
}

/** The store's keys the Lambda@Edge bundle reads (docs: the KVS data-plane `GetKey`). */
const EDGE_KVS_ACTIONS = ['cloudfront-keyvaluestore:GetKey'];

/**
 * Creates the viewer filter in `scope`. With `secret` settings: CloudFront Function mode creates
 * the KeyValueStore (retained on delete: a Lambda@Edge deployment may go on using it) and associates
 * it; Lambda@Edge mode grants the edge role `GetKey` on `secret.keyValueStoreArn`. Each mode refuses
 * an artifact built for another header, store or mode.
 */
export function createViewerFilter(
  scope: Construct,
  mode: ViewerFilter,
  artifacts: ViewerFilterArtifacts,
  secret: OriginSecretSettings | undefined,
): ViewerFilterParts {
  if (mode === 'cloudfront-function') {
    if (secret?.keyValueStoreArn !== undefined) {
      throw new Error("originSecret.keyValueStoreArn is for viewerFilter 'lambda-edge'; the CloudFront Function mode creates its store");
    }
    let file: string;
    let keyValueStore: cloudfront.KeyValueStore | undefined;
    if (secret) {
      file = required(artifacts.ipFilterKvsCloudFrontFunction, 'artifacts.ipFilterKvsCloudFrontFunction');
      checkKvsFunction(file, secret.headerName);
      keyValueStore = new cloudfront.KeyValueStore(scope, 'IpFilterStore', {
        comment: 'oac-kit ip-filter: Cloudflare ranges and origin-secret hashes (written by range-sync)',
      });
      keyValueStore.applyRemovalPolicy(RemovalPolicy.RETAIN);
      new CfnOutput(scope, 'KeyValueStoreArn', {
        value: keyValueStore.keyValueStoreArn,
        description: 'For the Lambda@Edge filter: cargo xtask edge --kvs-arn <this>',
      });
    } else {
      file = required(artifacts.ipFilterCloudFrontFunction, 'artifacts.ipFilterCloudFrontFunction');
      checkAddressOnlyFunction(file);
    }
    const fn = new cloudfront.Function(scope, 'IpFilterFunction', {
      code: cloudfront.FunctionCode.fromFile({ filePath: file }),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      keyValueStore,
      comment: 'oac-kit: only Cloudflare may call this distribution',
    });
    return {
      behavior: { functionAssociations: [{ function: fn, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] },
      keyValueStoreArn: keyValueStore?.keyValueStoreArn,
    };
  }
  const bundle = required(artifacts.ipFilterBundle, 'artifacts.ipFilterBundle');
  let expected: { keyValueStoreArn: string; headerName: string } | undefined;
  if (secret) {
    const keyValueStoreArn = secret.keyValueStoreArn;
    if (keyValueStoreArn === undefined) {
      throw new Error(
        "viewerFilter 'lambda-edge' needs originSecret.keyValueStoreArn (Lambda@Edge has no KVS binding): deploy once in " +
        "CloudFront Function mode (output KeyValueStoreArn) or create the store with 'aws cloudfront create-key-value-store', " +
        'then cargo xtask edge --kvs-arn <arn>',
      );
    }
    expected = { keyValueStoreArn, headerName: secret.headerName };
  }
  checkEdgeBundle(bundle, expected, DEFAULT_ORIGIN_SECRET_HEADER);
  const fn = new cloudfront.experimental.EdgeFunction(scope, 'IpFilterEdge', edgeFunctionProps(bundle, 'oac-kit ip-filter (viewer-request)'));
  if (expected) fn.addToRolePolicy(new iam.PolicyStatement({ actions: EDGE_KVS_ACTIONS, resources: [expected.keyValueStoreArn] }));
  return {
    behavior: { edgeLambdas: [{ functionVersion: fn.currentVersion, eventType: cloudfront.LambdaEdgeEventType.VIEWER_REQUEST }] },
    keyValueStoreArn: expected?.keyValueStoreArn,
  };
}

/** Lambda@Edge: Node.js 22, x86_64 (the only architecture it runs), the bundle's `index.handler`. */
export function edgeFunctionProps(bundle: string, description: string): cloudfront.experimental.EdgeFunctionProps {
  return {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.X86_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(bundle),
    memorySize: 128,
    timeout: Duration.seconds(5),
    description,
  };
}

/** The absolute path of a required artifact; throws naming the prop when it is not given. */
export function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required for this configuration`);
  return path.resolve(value);
}
