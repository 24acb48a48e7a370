// Runs a generated CloudFront Function (cloudfront-js-2.0) as CloudFront does, for oac-dev's edge
// worker and the Node tests alike (one loader, so the tests run what the chain runs).
//
// The code is a script in a fresh context (no Node globals). A KVS-mode function starts with
// exactly `import cf from 'cloudfront';` and `import crypto from 'crypto';`: those two lines are
// blanked (line numbers kept) and `cf` and `crypto` provided — `cf.kvs()` is a KeyValueStore
// stand-in, `crypto` offers `createHash` (Node's, the same `update`/`digest('hex')`). Any other
// import is a syntax error in a script, so the loader fails loudly rather than guessing.
import { createHash } from 'node:crypto';
import vm from 'node:vm';

const KVS_IMPORTS = ["import cf from 'cloudfront';", "import crypto from 'crypto';"];

/**
 * A KeyValueStore stand-in. `handle.get(key)` resolves to the value and rejects, as CloudFront's
 * does, for a key the store does not have; `handle.exists(key)` resolves to whether it has it.
 * Every read rejects while the store is unreadable (`set(null)`, the initial state). `failing`
 * names keys whose reads reject (a failed read of one key, for tests).
 */
export function keyValueStore() {
  let items = null;
  let failing = new Set();
  return {
    /** Replaces the contents: an object key → value, or null (every read fails). */
    set(next, failingKeys = []) {
      items = next === null ? null : new Map(Object.entries(next));
      failing = new Set(failingKeys);
    },
    handle: {
      async get(key) {
        if (items === null || failing.has(key)) throw new Error('KeyValueStore: the read failed');
        if (!items.has(key)) throw new Error(`KeyValueStore: the key ${key} does not exist`);
        return items.get(key);
      },
      async exists(key) {
        if (items === null || failing.has(key)) throw new Error('KeyValueStore: the read failed');
        return items.has(key);
      },
    },
  };
}

/**
 * Loads `code`; returns `{ kvsMode, handler }`. A KVS-mode function reads `store` (from
 * keyValueStore()), which it then needs.
 */
export function loadCloudFrontFunction(code, filename, store) {
  const lines = code.split('\n');
  const kvsMode = lines[0] === KVS_IMPORTS[0];
  const context = {};
  if (kvsMode) {
    if (lines[1] !== KVS_IMPORTS[1]) throw new Error(`${filename}: line 2 is not ${KVS_IMPORTS[1]}`);
    if (!store) throw new Error(`${filename} reads a KeyValueStore: give it one`);
    lines[0] = '';
    lines[1] = '';
    context.cf = { kvs: () => store.handle };
    context.crypto = { createHash: (algorithm) => createHash(algorithm) };
  }
  const handler = vm.runInNewContext(`${lines.join('\n')}\n;handler`, context, { filename });
  if (typeof handler !== 'function') throw new Error(`${filename} defines no handler function`);
  return { kvsMode, handler };
}
