// Small stand-ins for the build outputs (a synth only stages them), shared by the CDK tests.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OacArtifacts } from '../lib/oac-protected-api.js';

/** A fresh directory of stand-in artifacts, one for each member of {@link OacArtifacts}. */
export function artifacts(): Required<OacArtifacts> {
  const dir = mkdtempSync(join(tmpdir(), 'oac-kit-cdk-'));
  for (const d of ['api', 'body-hash', 'ip-filter']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'api/bootstrap'), '#!/bin/sh\n');
  writeFileSync(join(dir, 'body-hash/index.mjs'), 'export async function handler(e) { return e; }\n');
  writeFileSync(join(dir, 'ip-filter/index.mjs'), 'export async function handler(e) { return e; }\n');
  writeFileSync(join(dir, 'ip-filter.cloudfront.js'), 'function handler(event) { return event.request; }\n');
  return {
    apiCode: join(dir, 'api'),
    bodyHashBundle: join(dir, 'body-hash'),
    ipFilterBundle: join(dir, 'ip-filter'),
    ipFilterCloudFrontFunction: join(dir, 'ip-filter.cloudfront.js'),
  };
}
