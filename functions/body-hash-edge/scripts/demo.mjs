// node demo.mjs <bundle-dir> <events-dir>: runs the built body-hash bundle on every
// origin-request event in <events-dir> and prints what it did.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundleDir, eventsDir] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(resolve(bundleDir, 'index.mjs')).href);

for (const name of readdirSync(eventsDir).filter((n) => n.startsWith('origin-request')).sort()) {
  const event = JSON.parse(readFileSync(join(eventsDir, name), 'utf8'));
  const { method, uri } = event.Records[0].cf.request;
  const out = await handler(event);
  const verdict = out.status
    ? `generated ${out.status} ${JSON.parse(out.body).type}`
    : `x-amz-content-sha256: ${out.headers['x-amz-content-sha256'][0].value}`;
  console.log(`${name.padEnd(40)} ${method.padEnd(6)} ${uri.padEnd(12)} → ${verdict}`);
}
