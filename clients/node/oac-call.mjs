// Call an oac-kit API from Node.js with the AWS SDK v3 signer packages.
//
// Two things make a request acceptable behind Cloudflare → CloudFront (OAC) → Function URL → api:
// - `X-Fluid-Identity`: STS GetCallerIdentity presigned with your credentials and the header
//   `x-fluid-audience: <the API's audience>` signed (docs/identity.md). A bearer credential until
//   it expires: keep it short-lived and never log it.
// - `x-amz-content-sha256`: lowercase hex SHA-256 of the exact body bytes, on every request with a
//   body. OAC signs with it and Lambda checks the body against it; above 1 MB it is the only way a
//   body gets through (CloudFront shows an origin-request function only 1 MB).
//
// Where the request goes: `https://` anywhere; plain `http://` only to loopback (`localhost`,
// 127.0.0.0/8, `[::1]`) — anything else is refused before the identity is minted, since both it and
// any secret header would cross the network unencrypted. Redirects are never followed. The
// environment's proxy variables (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY, and NODE_USE_ENV_PROXY) are
// ignored unless `useEnvProxy: true` / `--use-env-proxy`. The rule is oac-client's
// (shared/oac-client/src/transport.rs); fixtures/clients/plain-http-cases.json keeps them in step.
//
// Answers are read chunk by chunk as they arrive, under a cap (`maxBytes`, 64 MiB unless set, the
// default of oac-client and `fluid-identity request`): past it, ResponseTooLargeError — before
// reading when the `content-length` says so, else at the chunk that passes it.
//
// As a library:
//   import { call, openCall } from "./oac-call.mjs";
//   const { status, body } = await call("https://api.example.com/v1/whoami", { audience: "…" });
//   // Server-sent events, or an NDJSON export, as they come:
//   const answer = await openCall("https://api.example.com/v1/audit-events/stream", { audience: "…" });
//   for await (const chunk of answer.chunks()) process.stdout.write(chunk);
// As a command (credentials from the SDK's default chain, region from AWS_REGION or --region):
//   node oac-call.mjs --audience AUD [--region R] [-X METHOD] [-H 'K: V']... [--data @file|STRING] [--use-env-proxy] [--max-bytes N] URL
// writes the body to stdout chunk by chunk as it arrives, the status to stderr; exits 0 below 400, 4
// for 4xx, 5 for 5xx, 3 without a whole answer (none, one cut short, or one past --max-bytes: what came
// before stays on stdout), 2 for usage, URL, region or credential errors — the codes of
// `fluid-identity request`.
// Dependencies are pinned in package-lock.json (`npm ci`).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { Agent, EnvHttpProxyAgent, fetch } from "undici";

/** The default response-size cap: 64 MiB. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The answer's body is larger than `maxBytes`: refused before reading when its content-length says
 * so (`read` is then 0), else at the chunk that passed the cap (not handed out).
 */
export class ResponseTooLargeError extends Error {
  name = "ResponseTooLargeError";
  constructor(limit, read) {
    super(`response too large: more than the ${limit}-byte cap (${read} bytes received); raise --max-bytes (maxBytes) or ask for less`);
    this.limit = limit;
    this.read = read;
  }
}

/** A URL the snippet won't send to: not http(s), or plain http to a host that isn't loopback. */
export class RefusedUrlError extends Error {
  name = "RefusedUrlError";
}

/** Whether a WHATWG `hostname` is this machine's loopback: `localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopback(hostname) {
  // The URL parser writes every IPv4 form (127.1, 0x7f000001, …) as four decimal octets, and a
  // name that ends in a number must be such an address, so the pattern matches addresses only.
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The parsed URL if a request may go there (https anywhere, http to loopback); else throws. */
export function checkUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new RefusedUrlError(`not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol !== "http:") {
    throw new RefusedUrlError(`URL scheme ${JSON.stringify(parsed.protocol)}: only https (or http to loopback)`);
  }
  if (!isLoopback(parsed.hostname)) {
    throw new RefusedUrlError(
      `refusing plain http to ${JSON.stringify(parsed.hostname)}: the identity and secret headers would travel ` +
        "unencrypted; use https (http is allowed only to localhost, 127.0.0.0/8 and [::1])",
    );
  }
  return parsed;
}

// Straight to the API whatever the environment says; the proxy variables only when asked.
let direct;
let viaEnvProxy;
function dispatcher(useEnvProxy) {
  if (useEnvProxy) return (viaEnvProxy ??= new EnvHttpProxyAgent());
  return (direct ??= new Agent());
}

/** The STS host of `region`. */
export function stsHost(region) {
  return region.startsWith("cn-") ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

/** RFC 3986 / AWS URI encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
function awsUriEncode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The X-Fluid-Identity value: GetCallerIdentity presigned with the audience header signed. */
export async function mintIdentity({ credentials, region, audience, expiresIn = 60 }) {
  const hostname = stsHost(region);
  const signer = new SignatureV4({ credentials, region, service: "sts", sha256: Sha256 });
  const presigned = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host: hostname, "x-fluid-audience": audience },
    },
    { expiresIn },
  );
  const query = Object.entries(presigned.query)
    .map(([name, value]) => `${awsUriEncode(name)}=${awsUriEncode(value)}`)
    .join("&");
  return `https://${hostname}/?${query}`;
}

/** x-amz-content-sha256: lowercase hex SHA-256 of the exact body bytes. */
export function contentSha256(body) {
  return createHash("sha256").update(body).digest("hex");
}

/**
 * One request with a fresh identity (and the body's hash), up to the answer's head: resolves to
 * { status, headers, chunks() }, `chunks()` yielding the body as it arrives under `maxBytes`.
 * Throws RefusedUrlError for a URL it won't send to, before anything is signed.
 */
export async function openCall(
  url,
  { audience, method = "GET", body, headers = {}, region, credentials, useEnvProxy = false, maxBytes = DEFAULT_MAX_BYTES } = {},
) {
  const target = checkUrl(url);
  region ??= process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error("no region: pass one or set AWS_REGION");
  credentials ??= await defaultProvider()();
  const all = { ...headers, "x-fluid-identity": await mintIdentity({ credentials, region, audience }) };
  if (body !== undefined) all["x-amz-content-sha256"] = contentSha256(body);
  // A redirect would carry the identity to wherever the answer points.
  const response = await fetch(target, {
    method,
    headers: all,
    body,
    redirect: "manual",
    dispatcher: dispatcher(useEnvProxy),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    chunks: () => readChunks(response, maxBytes, method),
  };
}

/**
 * The body of `response` chunk by chunk as it arrives; throws ResponseTooLargeError past
 * `maxBytes` (the rest is cancelled, not read).
 */
export async function* readChunks(response, maxBytes = DEFAULT_MAX_BYTES, method = "GET") {
  const announced = Number(response.headers.get("content-length") ?? NaN);
  // A HEAD answer's length describes a body that is not sent.
  if (method !== "HEAD" && announced > maxBytes) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(maxBytes, 0);
  }
  if (!response.body) return;
  let read = 0;
  // Leaving the loop (the throw included) cancels the stream: nothing more is read.
  for await (const chunk of response.body) {
    read += chunk.byteLength;
    if (read > maxBytes) throw new ResponseTooLargeError(maxBytes, read);
    yield chunk;
  }
}

/**
 * One request with a fresh identity (and the body's hash); resolves to { status, headers, body },
 * the body read under `maxBytes` (ResponseTooLargeError past it).
 * Throws RefusedUrlError for a URL it won't send to, before anything is signed.
 */
export async function call(url, options = {}) {
  const answer = await openCall(url, options);
  const parts = [];
  for await (const chunk of answer.chunks()) parts.push(chunk);
  return { status: answer.status, headers: answer.headers, body: Buffer.concat(parts) };
}

function readData(data) {
  if (data === undefined) return undefined;
  if (data === "@-") return readFileSync(0);
  if (data.startsWith("@")) return readFileSync(data.slice(1));
  return Buffer.from(data);
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      audience: { type: "string" },
      region: { type: "string" },
      request: { type: "string", short: "X" },
      header: { type: "string", short: "H", multiple: true, default: [] },
      data: { type: "string", short: "d" },
      "use-env-proxy": { type: "boolean", default: false },
      "max-bytes": { type: "string" },
    },
  });
  const maxBytes = values["max-bytes"] === undefined ? DEFAULT_MAX_BYTES : Number(values["max-bytes"]);
  if (!values.audience || positionals.length !== 1 || !Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    process.stderr.write(
      "usage: node oac-call.mjs --audience AUD [--region R] [-X M] [-H 'K: V'] [--data D] [--use-env-proxy] [--max-bytes N] URL\n",
    );
    return 2;
  }
  const headers = {};
  for (const header of values.header) {
    const at = header.indexOf(":");
    if (at < 0) {
      process.stderr.write(`header ${JSON.stringify(header)} is not 'Name: value'\n`);
      return 2;
    }
    headers[header.slice(0, at).trim()] = header.slice(at + 1).trim();
  }
  const body = readData(values.data);
  const method = values.request ?? (body === undefined ? "GET" : "POST");
  let answer;
  try {
    answer = await openCall(positionals[0], {
      audience: values.audience,
      method,
      body,
      headers,
      region: values.region,
      useEnvProxy: values["use-env-proxy"],
      maxBytes,
    });
  } catch (e) {
    // fetch's TypeError is "no answer" (connection, TLS, timeout); anything else is setup.
    process.stderr.write(`${e instanceof TypeError ? "no answer" : "error"}: ${e.cause?.message ?? e.message}\n`);
    return e instanceof TypeError ? 3 : 2;
  }
  process.stderr.write(`HTTP ${answer.status}\n`);
  let written = 0;
  try {
    // Each chunk as it comes (server-sent events show live); what came before a failure stays written.
    for await (const chunk of answer.chunks()) {
      if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      written += chunk.byteLength;
    }
  } catch (e) {
    const what = e instanceof ResponseTooLargeError ? e.message : `the answer was cut short after ${written} bytes: ${e.cause?.message ?? e.message}`;
    process.stderr.write(`${what}\n`);
    return 3;
  }
  return answer.status < 400 ? 0 : answer.status < 500 ? 4 : 5;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
