// Runs the generated viewer-mTLS Connection Function (cloudfront-js-2.0) as CloudFront does
// during a handshake, for oac-dev's TLS listener and the Node tests alike (one loader, so the
// tests run what the chain runs).
//
// The code is a script in a fresh context (no Node globals). It starts with exactly
// `import cf from 'cloudfront';`: that line is blanked (line numbers kept) and `cf` provided,
// `cf.kvs()` being the KeyValueStore stand-in of cloudfront-function.mjs. Any other import is a
// syntax error in a script, so the loader fails loudly rather than guessing.
import vm from 'node:vm';

const IMPORT = "import cf from 'cloudfront';";

/**
 * Loads `code`; returns `{ connectionHandler }`. The function reads `store` (from
 * keyValueStore() of cloudfront-function.mjs).
 */
export function loadConnectionFunction(code, filename, store) {
  const lines = code.split('\n');
  if (lines[0] !== IMPORT) throw new Error(`${filename}: line 1 is not ${IMPORT}`);
  if (!store) throw new Error(`${filename} reads a KeyValueStore: give it one`);
  lines[0] = '';
  const context = { cf: { kvs: () => store.handle } };
  const connectionHandler = vm.runInNewContext(`${lines.join('\n')}\n;connectionHandler`, context, { filename });
  if (typeof connectionHandler !== 'function') throw new Error(`${filename} defines no connectionHandler function`);
  return { connectionHandler };
}

/**
 * Runs `connectionHandler` on a connection whose `clientCertInfo` is `clientCertInfo` (omitted
 * when undefined). Resolves to `{ decision, calls, error }`: `calls` lists every `allow`/`deny`
 * call in order; `decision` is 'allow' only when the one call made was `allow()` and the handler
 * did not throw — none, two, or a throw is 'deny' (CloudFront's behaviour in those cases is not
 * documented; failing closed is ours).
 */
export async function runConnection(connectionHandler, clientCertInfo) {
  const calls = [];
  const connection = {
    allow() {
      calls.push('allow');
    },
    deny() {
      calls.push('deny');
    },
  };
  if (clientCertInfo !== undefined) connection.clientCertInfo = clientCertInfo;
  let error = null;
  try {
    await connectionHandler(connection);
  } catch (e) {
    error = e;
  }
  const decision = error === null && calls.length === 1 && calls[0] === 'allow' ? 'allow' : 'deny';
  return { decision, calls, error };
}
