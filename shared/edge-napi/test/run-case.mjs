// node run-case.mjs <bundle-dir> <cases-module> <case-name>
//
// Builds one hostile event from the cases module, hands it to the bundle's handler in this
// throwaway process and prints what happened as JSON. A test spawns this per case, so an addon
// that aborts the process fails that test instead of killing the test runner.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundleDir, casesModule, name] = process.argv.slice(2);
// stdout carries the report alone: the bundle's decision log lines go to stderr.
console.log = (...args) => console.error(...args);
const { handler } = await import(pathToFileURL(resolve(bundleDir, 'index.mjs')).href);
const { build } = await import(pathToFileURL(resolve(casesModule)).href);

/**
 * What a test checks of a returned value: a generated response whole, a forwarded request's
 * headers (its body can be megabytes, and a hostile request may not survive JSON.stringify).
 */
function summary(value) {
  const copy = (v) => JSON.parse(JSON.stringify(v ?? null));
  try {
    return value?.status === undefined ? { headers: copy(value?.headers) } : copy(value);
  } catch (e) {
    return { unserializable: String(e?.message ?? e) };
  }
}

/** Calls `fn` and settles it as data: what a JSON report can carry. */
async function settle(fn) {
  try {
    return { outcome: 'returned', value: summary(await fn()) };
  } catch (e) {
    return { outcome: 'threw', message: String(e?.message ?? e) };
  }
}

// Re-entrant cases call the handler from inside a getter; those calls are kept here.
const nested = [];
const reenter = (event) => {
  nested.push(settle(() => handler(event)));
};
const event = build(name, { reenter });
const report = await settle(() => handler(event));
report.nested = await Promise.all(nested);
process.stdout.write(JSON.stringify(report));
