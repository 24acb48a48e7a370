// oac-dev's long-lived Node.js worker: runs the real edge artifacts — the generated CloudFront
// Function (cloudfront-js-2.0) and/or the Lambda@Edge bundles (index.mjs + addon.node) — exactly
// as built for upload. One JSON request per stdin line:
//   {"id": n, "stage": "viewer" | "origin", "event": {...}}
// one JSON answer per stdout line: {"id": n, "result": ...} or {"id": n, "error": "..."}.
//   {"id": n, "stage": "connection", "event": {"clientCertInfo": {...}}} runs the Connection Function
//   (viewer mTLS, connection-function.mjs): {"id": n, "result": {"decision": "allow" | "deny",
//   "calls": [...], "error": null | "..."}}.
// {"id": n, "kvs": {key: value, ...} | null, "store": "viewer" | "connection"} replaces what the
// KVS-mode CloudFront Function's (or the Connection Function's) KeyValueStore holds (null: every
// read fails), answered with {"id": n, "result": null}.
//
// usage: node edge-worker.mjs [--viewer-cloudfront-function FILE] [--viewer-bundle DIR]
//          [--origin-bundle DIR] [--connection-function FILE]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { keyValueStore, loadCloudFrontFunction } from './cloudfront-function.mjs';
import { loadConnectionFunction, runConnection } from './connection-function.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const stages = {};
const stores = { viewer: keyValueStore(), connection: keyValueStore() };
const cfFile = option('--viewer-cloudfront-function');
if (cfFile) {
  const { handler } = loadCloudFrontFunction(readFileSync(cfFile, 'utf8'), cfFile, stores.viewer);
  stages.viewer = async (event) => handler(event);
}
const connectionFile = option('--connection-function');
if (connectionFile) {
  const code = readFileSync(connectionFile, 'utf8');
  const { connectionHandler } = loadConnectionFunction(code, connectionFile, stores.connection);
  // A throw is a deny (runConnection fails closed); its message goes back for the log.
  stages.connection = async (event) => {
    const { decision, calls, error } = await runConnection(connectionHandler, event.clientCertInfo);
    return { decision, calls, error: error === null ? null : String(error?.stack ?? error) };
  };
}
for (const [flag, stage] of [['--viewer-bundle', 'viewer'], ['--origin-bundle', 'origin']]) {
  const dir = option(flag);
  if (dir) {
    const { handler } = await import(pathToFileURL(resolve(dir, 'index.mjs')).href);
    stages[stage] = handler;
  }
}

const write = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
write({ ready: Object.keys(stages) });

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line) continue;
  let id;
  try {
    const msg = JSON.parse(line);
    id = msg.id;
    if ('kvs' in msg) {
      const store = stores[msg.store ?? 'viewer'];
      if (!store) throw new Error(`no store ${msg.store}`);
      store.set(msg.kvs);
      write({ id, result: null });
      continue;
    }
    const run = stages[msg.stage];
    if (!run) throw new Error(`no ${msg.stage} function loaded`);
    write({ id, result: await run(msg.event) });
  } catch (e) {
    write({ id, error: String(e?.stack ?? e) });
  }
}
