// Lambda@Edge entry point (nodejs22.x, x86_64). Every oac-kit edge bundle ships this file as is:
// the policy lives in the Rust core inside addon.node; config.json is the build-time configuration
// (Lambda@Edge has no environment variables). A bad config throws here, at init, so the function
// fails closed instead of forwarding requests it did not check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Handler } = require('./addon.node');
const handlerCore = new Handler(readFileSync(new URL('./config.json', import.meta.url), 'utf8'));

/** Returns the (edited) request, or a generated response, exactly as Lambda@Edge expects. */
export async function handler(event) {
  return handlerCore.handle(event);
}
