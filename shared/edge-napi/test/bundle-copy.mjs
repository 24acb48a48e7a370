// A fresh copy of an edge bundle with a config.json of the test's choosing (a build-time option
// such as the decision log level, or the KVS options), imported as Lambda@Edge would: each copy
// is its own module, with its own addon Handler.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let copies = 0;

/** The handler of a copy of `bundleDir` whose config.json is `config` (an object). */
export async function bundleWith(bundleDir, config) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-bundle-'));
  for (const file of ['index.mjs', 'addon.node']) copyFileSync(join(bundleDir, file), join(dir, file));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  copies += 1;
  return (await import(`${pathToFileURL(join(dir, 'index.mjs')).href}?copy=${copies}`)).handler;
}
