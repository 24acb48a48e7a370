// The origin secret's rotation (functions/origin-secret-rotation): Secrets Manager's schedule, the
// Lambda (exactly this secret's rotation actions, the token, this store), and an alarm on its errors.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IDependable } from 'constructs';
import type { CloudflareSettings } from './cloudflare.js';
import { secretArnForPolicy } from './cloudflare-setup.js';
import { KVS_SYNC_ACTIONS, anyErrorAlarm } from './range-sync.js';

/** What a rotation does to the secret's versions, and nothing more. */
export const ROTATION_SECRET_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

/** Props of {@link OriginSecretRotation}. */
export interface OriginSecretRotationProps {
  readonly settings: CloudflareSettings & { readonly rotation: Duration };
  /** cargo-lambda's `target/lambda/origin-secret-rotation/bootstrap.zip` (or its directory). */
  readonly code: string;
  readonly secret: secretsmanager.Secret;
  readonly headerName: string;
  readonly keyValueStoreArn: string;
  readonly ruleRef: string;
  readonly architecture: lambda.Architecture;
  readonly logRetention: logs.RetentionDays;
  /** Where the errors alarm notifies (ALARM and OK). */
  readonly alarmTopic?: sns.ITopic;
  /** The first rotation waits for this (the Zone resource writing the rule). */
  readonly after: IDependable;
}

/** The rotation schedule on the origin secret and its Lambda. */
export class OriginSecretRotation extends Construct {
  readonly function: lambda.Function;
  readonly schedule: secretsmanager.RotationSchedule;
  /** ALARM when the rotation Lambda errored in the last hour (a step failed; the old secret stays valid). */
  readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OriginSecretRotationProps) {
    super(scope, id);
    const s = props.settings;
    // The function gets a role it cannot widen: the schedule's own grants (GetRandomPassword on `*`)
    // are dropped, and exactly the statements below are on the role.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'oac-kit origin-secret-rotation: this secret, the Cloudflare token, this KeyValueStore',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ROTATION_SECRET_ACTIONS, resources: [props.secret.secretArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArnForPolicy(s.apiToken)] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: KVS_SYNC_ACTIONS, resources: [props.keyValueStoreArn] }));
    s.apiToken.encryptionKey?.grantDecrypt(role);
    this.function = new lambda.Function(this, 'Function', {
      description: 'oac-kit origin-secret-rotation: new origin secret into the KeyValueStore and the Cloudflare rule',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: props.architecture,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(props.code),
      memorySize: 128,
      // testSecret retries GET /health TEST_ATTEMPTS (10) times, TEST_DELAY_MS (3 s) apart, each
      // request bounded at 10 s: up to ~127 s, and setSecret's Cloudflare retries before it.
      timeout: Duration.minutes(5),
      role: role.withoutPolicyUpdates(),
      logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention }),
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        KVS_ARN: props.keyValueStoreArn,
        CLOUDFLARE_ZONE_ID: s.zoneId,
        CLOUDFLARE_TOKEN_SECRET_ARN: s.apiToken.secretArn,
        CLOUDFLARE_RULE_REF: props.ruleRef,
        HOSTNAMES: s.hostnames.join(','),
        ORIGIN_SECRET_HEADER: props.headerName,
        TEST_URL: `https://${s.hostnames[0]}/health`,
      },
    });
    this.schedule = props.secret.addRotationSchedule('Rotation', {
      rotationLambda: this.function,
      automaticallyAfter: s.rotation,
      // The first rotation follows the schedule, after the Zone resource has written the rule.
      rotateImmediatelyOnUpdate: false,
    });
    this.schedule.node.addDependency(props.after);
    this.errorsAlarm = anyErrorAlarm(this, 'ErrorsAlarm', this.function, Duration.hours(1),
      'oac-kit origin-secret-rotation: a rotation step failed in the last hour; the previous secret stays valid ' +
        '(docs/ip-filter.md, Operator\'s runbook)', props.alarmTopic);
  }
}
