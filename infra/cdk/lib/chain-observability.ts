// Alarms and one dashboard for the chain: distribution 5xx rate, the viewer filter, the edge functions,
// the api and its identity checks. CloudWatch alarms can only watch metrics of their own region, so the
// alarms split by where each metric is published (docs: docs/deploying.md, "Alarms and dashboard"):
// - us-east-1: CloudFront's metrics (distribution and CloudFront Functions, `Region=Global`) and the
//   Lambda@Edge functions' own metrics as recorded in us-east-1;
// - the stack's region: the api's Lambda metrics and its EMF metrics.
// A stack outside us-east-1 gets a support stack there (`<stack name>-observability`) for the first group.
import { Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { API_METRICS_NAMESPACE, IDENTITY_CHECKS_METRIC, IDENTITY_OUTCOME_DIMENSION, STS_UNAVAILABLE_OUTCOME } from './api-metrics.js';

/** The region CloudFront publishes its metrics in, and Lambda@Edge functions are created in. */
export const CLOUDFRONT_METRICS_REGION = 'us-east-1';

/** Where alarm notifications go (the construct's `observability` prop). */
export interface ObservabilityOptions {
  /** SNS topic (in the stack's region) for the api's alarms; in us-east-1 stacks, for every alarm. */
  readonly alarmTopic?: sns.ITopic;
  /**
   * SNS topic in us-east-1 for CloudFront's and the edge functions' alarms when the stack is elsewhere
   * (an alarm can only notify a topic of its own region). Required with `alarmTopic` in that case.
   */
  readonly usEast1AlarmTopic?: sns.ITopic;
}

/** What the chain is made of, as the construct built it. */
export interface ChainObservabilityProps extends ObservabilityOptions {
  readonly distribution: cloudfront.Distribution;
  /** The Cloudflare filter as a CloudFront Function, when that is the viewer filter. */
  readonly viewerFunction?: cloudfront.Function;
  /** Lambda@Edge functions by a short label (`BodyHash`, `IpFilter`). */
  readonly edgeFunctions: Readonly<Record<string, cloudfront.experimental.EdgeFunction>>;
  /** The Lambdalith, when there is a Lambda origin. */
  readonly api?: lambda.IFunction;
  /** Alarms made elsewhere in the construct (the range sync's), shown beside these on the dashboard. */
  readonly otherAlarms?: readonly cloudwatch.Alarm[];
}

/** One alarm's rule: a metric crossing a threshold, and what no data means. */
interface AlarmRule {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly description: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Alarms plus the chain's dashboard. On by default in OacProtectedApi (`observability: false` opts out). */
export class ChainObservability extends Construct {
  /** Every alarm, by a stable name (`Distribution5xxErrorRate`, `ApiErrors`, …). */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  /** The dashboard (in the stack's region). */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ChainObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw new Error('observability needs the stack region to be explicit (CloudFront metrics are in us-east-1): set env.region, or observability: false');
    }
    const inUsEast1 = stack.region === CLOUDFRONT_METRICS_REGION;
    if (props.alarmTopic && !inUsEast1 && !props.usEast1AlarmTopic) {
      throw new Error('observability.alarmTopic is in the stack region; CloudFront and edge alarms live in us-east-1: give observability.usEast1AlarmTopic too');
    }
    // In the support stack, under this construct's path, so two constructs of one stack never collide.
    const global = inUsEast1 ? this : new Construct(usEast1Scope(stack), this.node.path.replace(/\//g, '-'));
    const globalTopic = inUsEast1 ? props.alarmTopic : props.usEast1AlarmTopic;

    const cf = props.distribution;
    const cfMetric = (metricName: string, dimensionsMap: Record<string, string>, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/CloudFront', metricName, dimensionsMap: { ...dimensionsMap, Region: 'Global' }, statistic, period: Duration.minutes(1), region: CLOUDFRONT_METRICS_REGION });

    // "5% of requests for 5 continuous minutes" (CloudFront's own example alarm).
    this.alarm(global, 'Distribution5xxErrorRate', globalTopic, {
      metric: cfMetric('5xxErrorRate', { DistributionId: cf.distributionId }, 'Average'),
      threshold: 5,
      evaluationPeriods: 5,
      description: 'Viewers got 5xx for at least 5% of requests for 5 minutes: the api, body-hash, OAC or the origin is failing',
    });
    if (props.viewerFunction) {
      const fn = props.viewerFunction.functionName;
      for (const [name, what] of [
        ['FunctionExecutionErrors', 'threw (viewers got 503)'],
        ['FunctionValidationErrors', 'returned an invalid event (viewers got 502)'],
        ['FunctionThrottles', 'was throttled'],
      ]) {
        this.alarm(global, `ViewerFilter${name.replace(/^Function/, '')}`, globalTopic, {
          metric: cfMetric(name, { FunctionName: fn }, 'Sum').with({ period: FIVE_MINUTES }),
          threshold: 1,
          evaluationPeriods: 1,
          description: `The Cloudflare-only CloudFront Function ${what}`,
        });
      }
    }
    for (const [label, edge] of Object.entries(props.edgeFunctions)) {
      for (const metricName of ['Errors', 'Throttles']) {
        this.alarm(global, `${label}Edge${metricName}`, globalTopic, {
          metric: edgeMetric(edge.lambda.functionName, metricName),
          threshold: 1,
          evaluationPeriods: 1,
          description: `Lambda@Edge ${label} ${metricName.toLowerCase()} as recorded in us-east-1 (replicas record theirs in the region that ran them; the distribution 5xx alarm covers every region)`,
        });
      }
    }
    if (props.api) {
      this.alarm(this, 'ApiErrors', props.alarmTopic, {
        metric: props.api.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        description: 'The api failed invocations (a crash or timeout: the Function URL answered 502)',
      });
      this.alarm(this, 'ApiThrottles', props.alarmTopic, {
        metric: props.api.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        description: 'The api was throttled (concurrency limit: the Function URL answered 429)',
      });
      this.alarm(this, 'IdentityStsUnavailable', props.alarmTopic, {
        metric: stsUnavailable(),
        threshold: 1,
        evaluationPeriods: 1,
        description: 'X-Fluid-Identity checks could not reach STS: identity-gated requests are refused',
      });
    }
    this.dashboard = chainDashboard(this, props, cfMetric, this.alarms);
  }

  private alarm(scope: Construct, name: string, topic: sns.ITopic | undefined, rule: AlarmRule): void {
    const alarm = new cloudwatch.Alarm(scope, name, {
      metric: rule.metric,
      threshold: rule.threshold,
      evaluationPeriods: rule.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no requests (or no failures: these metrics are only published when they occur).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `oac-kit: ${rule.description}`,
    });
    if (topic) {
      alarm.addAlarmAction(new actions.SnsAction(topic));
      alarm.addOkAction(new actions.SnsAction(topic));
    }
    this.alarms[name] = alarm;
  }
}

/** The us-east-1 support stack of `stack` for CloudFront's alarms and access-log delivery (one per stack, made on first use). */
export function usEast1Scope(stack: Stack): Construct {
  const id = `${stack.node.id}-observability`;
  const parent = stack.node.scope!;
  const existing = parent.node.tryFindChild(id);
  if (existing) return existing;
  const support = new Stack(parent, id, {
    env: { account: stack.account, region: CLOUDFRONT_METRICS_REGION },
    stackName: `${stack.stackName}-observability`,
    description: `oac-kit: CloudFront and Lambda@Edge alarms and the access-log delivery of ${stack.stackName} (CloudFront keeps its metrics and log sources in us-east-1)`,
  });
  support.addStackDependency(stack);
  return support;
}

/**
 * A Lambda@Edge function's metric in us-east-1. Executions are recorded as `us-east-1.<name>` in the
 * region of the regional edge cache that ran them.
 */
function edgeMetric(functionName: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: `${CLOUDFRONT_METRICS_REGION}.${functionName}` },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    region: CLOUDFRONT_METRICS_REGION,
  });
}

function stsUnavailable(): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: API_METRICS_NAMESPACE,
    metricName: IDENTITY_CHECKS_METRIC,
    dimensionsMap: { [IDENTITY_OUTCOME_DIMENSION]: STS_UNAVAILABLE_OUTCOME },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
}

type CfMetric = (metricName: string, dimensionsMap: Record<string, string>, statistic: string) => cloudwatch.Metric;

/**
 * The chain at a glance, in request order: viewers, the viewer filter, body-hash, the api. In the
 * stack's own region (a dashboard shows any region's metrics; the api's function is referenced in-stack).
 */
function chainDashboard(scope: Construct, props: ChainObservabilityProps, cfMetric: CfMetric, alarms: Record<string, cloudwatch.Alarm>): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { defaultInterval: Duration.hours(3) });
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
    new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });
  const distribution = { DistributionId: props.distribution.distributionId };
  dashboard.addWidgets(
    graph('Viewers: requests and error rates (%)', [cfMetric('Requests', distribution, 'Sum')],
      [cfMetric('5xxErrorRate', distribution, 'Average'), cfMetric('4xxErrorRate', distribution, 'Average')]),
    new cloudwatch.AlarmStatusWidget({
      title: `Alarms in ${Stack.of(scope).region}`,
      alarms: [...Object.values(alarms), ...props.otherAlarms ?? []].filter((a) => Stack.of(a).region === Stack.of(scope).region),
      width: 12,
      height: 6,
    }),
  );
  // The function name from the version ARN the distribution uses (readable in this stack wherever the function lives).
  const edgeName = (e: cloudfront.experimental.EdgeFunction) => Fn.select(6, Fn.split(':', e.edgeArn));
  const edge: cloudwatch.IMetric[] = Object.values(props.edgeFunctions)
    .flatMap((e) => [edgeMetric(edgeName(e), 'Errors'), edgeMetric(edgeName(e), 'Throttles')]);
  const viewer: cloudwatch.IMetric[] = props.viewerFunction
    ? ['FunctionInvocations', 'FunctionExecutionErrors', 'FunctionValidationErrors', 'FunctionThrottles']
      .map((m) => cfMetric(m, { FunctionName: props.viewerFunction!.functionName }, 'Sum'))
    : [];
  dashboard.addWidgets(graph('Viewer filter (CloudFront Function)', viewer), graph('Lambda@Edge errors and throttles (us-east-1)', edge));
  if (props.api) {
    const api = props.api;
    dashboard.addWidgets(
      graph('api invocations, errors, throttles', [api.metricInvocations({ statistic: 'Sum' }), api.metricErrors({ statistic: 'Sum' }), api.metricThrottles({ statistic: 'Sum' })]),
      graph('api duration (p99) and STS unavailable', [api.metricDuration({ statistic: 'p99' })], [stsUnavailable()]),
    );
  }
  return dashboard;
}
