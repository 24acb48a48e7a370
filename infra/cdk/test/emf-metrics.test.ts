// The functions' own metrics (Embedded Metric Format) that the alarms and dashboards name, checked against
// the table of what the functions publish (the Rust `emf` crate's catalogue, written by `cargo xtask test`
// to target/edge/emf-metrics.json): every metric in an `OacKit/` namespace that any shape's alarm or
// dashboard refers to must be published under that namespace, name and dimension set (and unit, when the
// metric names one). A metric renamed, moved or re-dimensioned on either side fails here: an alarm on a
// metric nobody publishes would sit in INSUFFICIENT_DATA (or, treating missing data as breaching, ring).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SHAPES, buildShape } from './shapes.js';

/** One row of the table: a metric as CloudWatch stores it (one dimension set). */
interface Published { namespace: string; metric: string; dimensions: string[]; unit: string }
/** A metric an alarm or dashboard names, and where. */
interface Referenced { namespace: string; metric: string; dimensions: string[]; unit?: string; where: string }

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const file = join(process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge'), 'emf-metrics.json');

/** The namespaces of the functions' own metrics (the api's default, range-sync's). */
const OURS = /^OacKit\//;

type Properties = Record<string, any>;

/** The metrics of an alarm: one metric, or each metric of a math expression. */
function alarmMetrics(p: Properties, where: string): Referenced[] {
  const dims = (d?: { Name: string }[]) => (d ?? []).map((x) => x.Name);
  if (p.MetricName) return [{ namespace: p.Namespace, metric: p.MetricName, dimensions: dims(p.Dimensions), unit: p.Unit, where }];
  return (p.Metrics ?? []).filter((m: Properties) => m.MetricStat).map((m: Properties) => {
    const stat = m.MetricStat;
    return { namespace: stat.Metric.Namespace, metric: stat.Metric.MetricName, dimensions: dims(stat.Metric.Dimensions), unit: stat.Unit, where };
  });
}

/** A dashboard's body as JSON: the template joins strings and tokens, and tokens sit inside strings. */
function dashboardBody(body: unknown): Properties {
  if (typeof body === 'string') return JSON.parse(body);
  const parts = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}

/** The metrics of a dashboard's graphs: `[namespace, name, key, value, …, {options}]` (math expressions name none). */
function dashboardMetrics(p: Properties, where: string): Referenced[] {
  const found: Referenced[] = [];
  for (const widget of dashboardBody(p.DashboardBody).widgets ?? []) {
    for (const entry of widget.properties?.metrics ?? []) {
      if (typeof entry[0] !== 'string') continue;
      const [namespace, metric, ...rest] = entry as unknown[];
      const pairs = rest.filter((x) => typeof x === 'string') as string[];
      const options = rest.find((x) => typeof x === 'object') as Properties | undefined;
      const dimensions = pairs.filter((_, i) => i % 2 === 0);
      found.push({ namespace: namespace as string, metric: metric as string, dimensions, unit: options?.unit, where });
    }
  }
  return found;
}

/** Every metric each shape's alarms and dashboards name, in every stack of its app. */
function referenced(): Referenced[] {
  const found: Referenced[] = [];
  for (const shape of SHAPES) {
    const app = buildShape(shape);
    for (const stack of app.node.children.filter((c): c is Stack => Stack.isStack(c))) {
      const t = Template.fromStack(stack);
      for (const [id, r] of Object.entries(t.findResources('AWS::CloudWatch::Alarm'))) found.push(...alarmMetrics(r.Properties, `${shape.name}/${stack.stackName}/${id}`));
      for (const [id, r] of Object.entries(t.findResources('AWS::CloudWatch::Dashboard'))) found.push(...dashboardMetrics(r.Properties, `${shape.name}/${stack.stackName}/${id}`));
    }
  }
  return found;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

describe('the alarms and dashboards name the metrics the functions publish', () => {
  it('the table is there (cargo xtask test writes it)', () => {
    assert.ok(existsSync(file), `${file} is missing: run cargo xtask test (it writes the table before npm test)`);
  });

  const table: Published[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const ours = referenced().filter((r) => OURS.test(r.namespace) || table.some((p) => p.namespace === r.namespace));

  it('every namespace the functions publish in is watched, and only those', () => {
    const namespaces = (xs: { namespace: string }[]) => [...new Set(xs.map((x) => x.namespace))].sort();
    assert.ok(table.length > 0, 'the table has rows');
    assert.deepEqual(namespaces(ours), namespaces(table));
  });

  const byMetric = new Map<string, Referenced[]>();
  for (const r of ours) {
    const key = JSON.stringify([r.namespace, r.metric, [...r.dimensions].sort(), r.unit]);
    byMetric.set(key, [...(byMetric.get(key) ?? []), r]);
  }
  for (const [r, ...more] of byMetric.values()) {
    it(`${r.namespace} ${r.metric} {${r.dimensions.join(', ')}} (${r.where}${more.length ? ` and ${more.length} more` : ''})`, () => {
      const rows = table.filter((p) => p.namespace === r.namespace && p.metric === r.metric);
      assert.ok(rows.length > 0, `no function publishes ${r.metric} in ${r.namespace}: ${JSON.stringify(table.filter((p) => p.namespace === r.namespace).map((p) => p.metric))}`);
      const row = rows.find((p) => sameSet(p.dimensions, r.dimensions));
      assert.ok(row, `${r.metric} is published with the dimension sets ${JSON.stringify(rows.map((p) => p.dimensions))}, not ${JSON.stringify(r.dimensions)}`);
      if (r.unit) assert.equal(r.unit, row.unit);
    });
  }
});
