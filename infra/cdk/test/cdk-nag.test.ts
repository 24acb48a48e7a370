// cdk-nag's AwsSolutions pack over every stack of every origin shape (the main stack and, outside
// us-east-1, the Lambda@Edge support stack): no finding, error or warning, that the construct does
// not acknowledge with its reason (lib/nag-acknowledgements.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, PolicyValidationPluginReport } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SHAPES, buildShape } from './shapes.js';

function nag(app: App): PolicyValidationPluginReport {
  return new AwsSolutionsChecks(app).validateScope(app);
}

/** `rule at path` for each finding, so a failure names what to fix or acknowledge. */
function findings(report: PolicyValidationPluginReport): string[] {
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} (${v.severity}) at ${r.constructPath}`));
}

describe('cdk-nag AwsSolutions', () => {
  for (const shape of SHAPES) {
    it(`${shape.name}: no unacknowledged finding in any stack`, () => {
      const report = nag(buildShape(shape));
      assert.deepEqual(findings(report), []);
      assert.equal(report.success, true);
    });
  }

  it('the edge support stack is among the stacks checked', () => {
    const app = buildShape(SHAPES.find((s) => s.region !== 'us-east-1')!);
    const stacks = app.node.children.map((c) => c.node.id);
    assert.ok(stacks.some((id) => id.startsWith('edge-lambda-stack-')), `${stacks}`);
  });

  it('a bucket added without SSL enforcement is reported (AwsSolutions-S10)', () => {
    const app = buildShape(SHAPES[0], {
      extend: (stack) => { new s3.Bucket(stack, 'Careless', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsPrefix: 'self/' }); },
    });
    const report = nag(app);
    assert.equal(report.success, false);
    assert.ok(findings(report).some((f) => /^AwsSolutions-S10 \(error\) at Test\/Careless\//.test(f)), `${findings(report)}`);
  });
});
