// Lambda@Edge entry point (nodejs22.x, x86_64). The ip-filter bundle ships this file as is (body-hash
// has its own, functions/body-hash-edge/js/index.mjs, which reads the event itself):
// the policy lives in the Rust core inside addon.node; config.json is the build-time configuration
// (Lambda@Edge has no environment variables). A bad config throws here, at init, so the function
// fails closed instead of forwarding requests it did not check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Handler } = require('./addon.node');
const handlerCore = new Handler(readFileSync(new URL('./config.json', import.meta.url), 'utf8'));

/** The longest a refresh of fetched data may hold a request up, all its fetches together. */
const REFRESH_BUDGET_MS = 1000;

/**
 * Only a core that reads a store says so (ip-filter with kvsArn); the I/O is here, the requests
 * are signed and the answers judged in Rust. Lambda freezes between invocations, so there is no
 * timer: a request that finds the data too old refreshes it first.
 */
const readsStore = handlerCore.readsStore === true;

/**
 * Whether any decision is logged (`config.json`'s `decisionLog`: `all`, `refusals` — the default —
 * or `off`). Which decisions get a line is Rust's call; at `off` no line is ever asked for.
 */
const logsDecisions = handlerCore.decisionLog !== 'off';

/**
 * Returns the (edited) request, or a generated response, exactly as Lambda@Edge expects, and logs
 * the decision when the level says so: one JSON line, built in Rust from the decision alone
 * (docs/metrics.md). In KVS mode the clock is passed in: the secrets stop admitting once they are
 * too old (every refresh failed for too long); the address-only filter needs none.
 */
export async function handler(event) {
  if (readsStore) await refresh(handlerCore);
  const answer = handlerCore.handle(event, readsStore ? Date.now() : undefined);
  if (logsDecisions) {
    const line = handlerCore.takeDecisionLog();
    if (line !== null) console.log(line);
  }
  return answer;
}

/** Refreshes the store's data when it is due; a failed refresh is logged, whatever the level. */
async function refresh(core) {
  let requests = core.refreshStart(Date.now());
  if (requests !== null) {
    const signal = AbortSignal.timeout(REFRESH_BUDGET_MS);
    while (requests !== null) {
      const answers = await Promise.all(requests.map((request) => fetchAnswer(request, signal)));
      requests = core.refreshReceive(answers, Date.now());
    }
  }
  // Also after a refresh refreshStart could not sign (it returns null then).
  const failure = core.takeRefreshLog();
  if (failure !== null) console.log(failure);
}

/** `{status, body}` of one GET, or null when it failed (network, timeout). */
async function fetchAnswer({ url, headers }, signal) {
  try {
    const response = await fetch(url, { headers, signal, redirect: 'error' });
    return { status: response.status, body: await response.text() };
  } catch {
    return null;
  }
}
