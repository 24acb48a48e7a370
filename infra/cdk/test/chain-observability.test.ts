// The chain's alarms and dashboard: each alarm's metric, threshold, period and missing-data rule, where it
// lives (CloudFront's metrics are in us-east-1), its actions, and the opt-out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { OacProtectedApiProps } from '../lib/oac-protected-api.js';
import { SHAPES, buildShape } from './shapes.js';
import { RANGE_SYNC_ALARM_PREFIX, rangeSyncAlarms } from './support.js';

type Resource = { Type: string; Properties: Record<string, any> };

function stacks(app: App): { main: Template; global?: Template } {
  const byId = (id: string) => app.node.tryFindChild(id) as Stack | undefined;
  const global = byId('Test-observability');
  return { main: Template.fromStack(byId('Test')!), global: global && Template.fromStack(global) };
}

/** The default shape with props made in its stack. */
const build = (props: (stack: Stack) => Partial<OacProtectedApiProps>) => buildShape(SHAPES[0], { props });

/** The chain's alarms: every alarm but the range sync's three (lib/range-sync.ts, on with the origin secret). */
function alarms(t: Template | undefined): Resource[] {
  if (!t) return [];
  return Object.entries(t.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => !id.startsWith(RANGE_SYNC_ALARM_PREFIX)).map(([, a]) => a as Resource);
}

function alarmOn(t: Template | undefined, metricName: string): Resource['Properties'] {
  const found = alarms(t).filter((a) => a.Properties.MetricName === metricName);
  assert.equal(found.length, 1, `one alarm on ${metricName}: ${alarms(t).map((a) => a.Properties.MetricName)}`);
  return found[0].Properties;
}

const dimension = (p: Resource['Properties'], name: string) => p.Dimensions.find((d: { Name: string }) => d.Name === name)?.Value;

describe('alarms of a stack outside us-east-1 (the default shape)', () => {
  const { main, global } = stacks(buildShape(SHAPES[0]));

  it('a us-east-1 support stack holds the CloudFront and edge alarms', () => {
    assert.ok(global, 'Test-observability stack');
    assert.deepEqual(alarms(global).map((a) => a.Properties.Namespace).sort(),
      ['AWS/CloudFront', 'AWS/CloudFront', 'AWS/CloudFront', 'AWS/CloudFront', 'AWS/Lambda', 'AWS/Lambda']);
  });

  it('distribution 5xx error rate: Average >= 5 % for 5 one-minute periods, Region=Global', () => {
    const p = alarmOn(global, '5xxErrorRate');
    assert.equal(p.Namespace, 'AWS/CloudFront');
    assert.equal(dimension(p, 'Region'), 'Global');
    assert.ok(dimension(p, 'DistributionId'), 'DistributionId dimension');
    assert.deepEqual([p.Statistic, p.Period, p.EvaluationPeriods, p.Threshold, p.ComparisonOperator, p.TreatMissingData],
      ['Average', 60, 5, 5, 'GreaterThanOrEqualToThreshold', 'notBreaching']);
  });

  for (const metric of ['FunctionExecutionErrors', 'FunctionValidationErrors', 'FunctionThrottles']) {
    it(`viewer filter CloudFront Function ${metric}: Sum >= 1 in 5 minutes, by FunctionName, Region=Global`, () => {
      const p = alarmOn(global, metric);
      assert.equal(p.Namespace, 'AWS/CloudFront');
      assert.equal(dimension(p, 'Region'), 'Global');
      assert.ok(dimension(p, 'FunctionName'));
      assert.deepEqual([p.Statistic, p.Period, p.EvaluationPeriods, p.Threshold, p.TreatMissingData], ['Sum', 300, 1, 1, 'notBreaching']);
    });
  }

  for (const metric of ['Errors', 'Throttles']) {
    it(`body-hash Lambda@Edge ${metric}: Sum >= 1 in 5 minutes, as us-east-1.<name>`, () => {
      const p = alarms(global).find((a) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === metric)!.Properties;
      assert.match(JSON.stringify(dimension(p, 'FunctionName')), /"us-east-1\."/);
      assert.deepEqual([p.Statistic, p.Period, p.EvaluationPeriods, p.Threshold, p.TreatMissingData], ['Sum', 300, 1, 1, 'notBreaching']);
    });

    it(`api ${metric}: in the stack's region, Sum >= 1 in 5 minutes`, () => {
      const p = alarmOn(main, metric);
      assert.equal(p.Namespace, 'AWS/Lambda');
      const [apiId] = Object.keys(main.findResources('AWS::Lambda::Function', {
        Properties: { Runtime: 'provided.al2023', Environment: { Variables: Match.objectLike({ STORE: 'dynamodb' }) } },
      }));
      assert.deepEqual(dimension(p, 'FunctionName'), { Ref: apiId });
      assert.deepEqual([p.Statistic, p.Period, p.EvaluationPeriods, p.Threshold, p.TreatMissingData], ['Sum', 300, 1, 1, 'notBreaching']);
    });
  }

  it('identity STS unavailable: OacKit/Api IdentityChecks with Outcome=sts-unavailable, Sum >= 1 in 5 minutes', () => {
    const p = alarmOn(main, 'IdentityChecks');
    assert.equal(p.Namespace, 'OacKit/Api');
    assert.deepEqual(p.Dimensions, [{ Name: 'Outcome', Value: 'sts-unavailable' }]);
    assert.deepEqual([p.Statistic, p.Period, p.EvaluationPeriods, p.Threshold, p.TreatMissingData], ['Sum', 300, 1, 1, 'notBreaching']);
  });

  it('one dashboard, in the stack, with the chain from viewers to the api', () => {
    main.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(main.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const m of ['5xxErrorRate', 'FunctionExecutionErrors', 'Errors', 'Throttles', 'IdentityChecks', 'Duration']) assert.ok(body.includes(`\\"${m}\\"`), m);
    assert.equal(global!.findResources('AWS::CloudWatch::Dashboard') && Object.keys(global!.findResources('AWS::CloudWatch::Dashboard')).length, 0);
  });

  it("the dashboard's alarm status shows the range sync's three alarms", () => {
    const body = JSON.stringify(Object.values(main.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    const syncAlarms = rangeSyncAlarms(main).map(([id]) => id);
    assert.equal(syncAlarms.length, 3, `${syncAlarms}`);
    for (const id of syncAlarms) assert.ok(body.includes(`"${id}"`), `${id} on the dashboard`);
  });

  it('no alarm has actions unless a topic is given', () => {
    for (const a of [...alarms(main), ...alarms(global)]) assert.equal(a.Properties.AlarmActions, undefined);
  });
});

describe('other shapes', () => {
  it('lambda-edge filter: its Errors and Throttles alarms instead of the CloudFront Function ones', () => {
    const { global } = stacks(buildShape(SHAPES.find((s) => s.name === 'lambda-edge-filter-with-kvs-arn')!));
    const names = alarms(global).map((a) => `${a.Properties.Namespace} ${a.Properties.MetricName}`).sort();
    assert.deepEqual(names, ['AWS/CloudFront 5xxErrorRate', 'AWS/Lambda Errors', 'AWS/Lambda Errors', 'AWS/Lambda Throttles', 'AWS/Lambda Throttles']);
  });

  it('a stack in us-east-1 keeps every alarm in-stack', () => {
    const { main, global } = stacks(buildShape(SHAPES.find((s) => s.region === 'us-east-1')!));
    assert.equal(global, undefined);
    assert.equal(alarms(main).length, 9);
  });

  it('bucket alone: distribution and viewer filter alarms, no api alarms', () => {
    const { main, global } = stacks(buildShape(SHAPES.find((s) => s.name === 'bucket')!));
    assert.equal(alarms(main).length, 0);
    assert.deepEqual(alarms(global).map((a) => a.Properties.MetricName).sort(),
      ['5xxErrorRate', 'FunctionExecutionErrors', 'FunctionThrottles', 'FunctionValidationErrors']);
  });
});

describe('alarm actions', () => {
  const topics = (regions: string[]) => (stack: Stack) => {
    const [own, east] = regions.map((r, i) => sns.Topic.fromTopicArn(stack, `Topic${i}`, `arn:aws:sns:${r}:111122223333:oncall`));
    return { observability: { alarmTopic: own, usEast1AlarmTopic: east } };
  };

  it('each alarm notifies the topic of its own region, on alarm and on recovery', () => {
    const { main, global } = stacks(build(topics(['eu-west-1', 'us-east-1'])));
    for (const [t, region] of [[main, 'eu-west-1'], [global, 'us-east-1']] as const) {
      for (const a of alarms(t)) {
        assert.deepEqual(a.Properties.AlarmActions, [`arn:aws:sns:${region}:111122223333:oncall`]);
        assert.deepEqual(a.Properties.OKActions, [`arn:aws:sns:${region}:111122223333:oncall`]);
      }
    }
  });

  it('a topic outside us-east-1 without a us-east-1 topic is refused at synth', () => {
    assert.throws(() => build((stack) => ({ observability: { alarmTopic: sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:eu-west-1:111122223333:oncall') } })),
      /usEast1AlarmTopic/);
  });
});

describe('opt-out', () => {
  it('observability: false makes no alarm, no dashboard, and in the support stack only the access-log delivery', () => {
    const app = buildShape({ ...SHAPES[0], props: { ...SHAPES[0].props, observability: false } });
    const { main, global } = stacks(app);
    assert.ok(global);
    assert.equal(alarms(global).length, 0);
    global.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    global.resourceCountIs('AWS::Logs::Delivery', 1);
    assert.equal(alarms(main).length, 0);
    main.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('observability: false and accessLogs: false make no support stack', () => {
    const app = buildShape({ ...SHAPES[0], props: { ...SHAPES[0].props, observability: false, accessLogs: false } });
    assert.equal(stacks(app).global, undefined);
  });
});
