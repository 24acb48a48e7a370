// The distribution's access logs: CloudFront standard logging (v2), CloudWatch Logs vended delivery
// (`AWS::Logs::DeliverySource` → `DeliveryDestination` → `Delivery`) into an S3 bucket. CloudFront's
// delivery sources exist in us-east-1 only: a stack elsewhere puts the three in its us-east-1 support stack.
import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CLOUDFRONT_METRICS_REGION, usEast1Scope } from './chain-observability.js';

/**
 * `accessLogs` of the construct: on by default (a bucket the construct makes), `{ bucket }` for
 * a bucket of the app's (its policy must let `delivery.logs.amazonaws.com` write `AWSLogs/<account>/*`;
 * the construct adds that statement to a bucket of the same app), `false` for none.
 */
export type AccessLogsOption = boolean | { readonly bucket?: s3.IBucket };

/** The three resources of one delivery, and the bucket it writes to. */
export interface AccessLogs {
  readonly bucket: s3.IBucket;
  /** The bucket the construct made (none when the app passed one). */
  readonly ownBucket?: s3.Bucket;
  readonly source: logs.CfnDeliverySource;
  readonly destination: logs.CfnDeliveryDestination;
  readonly delivery: logs.CfnDelivery;
}

/** CloudWatch Logs' limit on delivery source and destination names. */
const MAX_DELIVERY_NAME = 60;

/** Sets up the access logs of `distribution` as `option` says; `undefined` when off. */
export function accessLogs(scope: Construct, distribution: cloudfront.IDistribution, option: AccessLogsOption | undefined): AccessLogs | undefined {
  if (option === false) return undefined;
  const stack = Stack.of(scope);
  const given = typeof option === 'object' ? option.bucket : undefined;
  const ownBucket = given ? undefined : new s3.Bucket(scope, 'AccessLogs', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    lifecycleRules: [{ expiration: Duration.days(90) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const bucket = given ?? ownBucket!;
  const inUsEast1 = stack.region === CLOUDFRONT_METRICS_REGION;
  const where = inUsEast1 ? scope : new Construct(usEast1Scope(stack), `${scope.node.path.replace(/\//g, '-')}-AccessLogs`);
  const deliveryStack = Stack.of(where);
  // As CloudWatch Logs documents for vended logs to S3 (V2 permissions): this account's delivery sources only.
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [`${bucket.bucketArn}/AWSLogs/${stack.account}/*`],
    conditions: {
      StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${CLOUDFRONT_METRICS_REGION}:${stack.account}:delivery-source:*` },
    },
  }));
  const name = (c: Construct) => Names.uniqueResourceName(c, { maxLength: MAX_DELIVERY_NAME });
  const sourceScope = new Construct(where, 'Source');
  const source = new logs.CfnDeliverySource(sourceScope, 'Resource', {
    name: name(sourceScope),
    logType: 'ACCESS_LOGS',
    resourceArn: deliveryStack.formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: distribution.distributionId }),
  });
  const destinationScope = new Construct(where, 'Destination');
  const destination = new logs.CfnDeliveryDestination(destinationScope, 'Resource', {
    name: name(destinationScope),
    deliveryDestinationType: 'S3',
    destinationResourceArn: crossRegionArn(bucket),
  });
  const delivery = new logs.CfnDelivery(where, 'Delivery', {
    deliverySourceName: source.ref,
    deliveryDestinationArn: destination.attrArn,
  });
  delivery.node.addDependency(source);
  return { bucket, ownBucket, source, destination, delivery };
}

/**
 * The bucket's ARN as another stack may take it: a bucket made in this app as its `Fn::GetAtt` (which CDK's
 * cross-region references carry; the L2 `bucketArn` would demand a physical name, hence a resolved account);
 * an imported one as its literal ARN.
 */
function crossRegionArn(bucket: s3.IBucket): string {
  const cfn = bucket.node.defaultChild;
  return cfn instanceof s3.CfnBucket ? cfn.attrArn : bucket.bucketArn;
}
