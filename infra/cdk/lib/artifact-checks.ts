// Synth-time checks that the viewer-filter artifacts were built for what the construct deploys:
// the origin-secret header, the KeyValueStore, or neither. A mismatch would deploy a filter that
// answers 403 to everyone (wrong header, wrong store) or one that skips the secret: refuse instead.
import { readFileSync } from 'node:fs';
import { readBundleFile } from './bundle-file.js';

/** How the generated function reads the store (cloudfront-js-2.0's `cf.kvs()`). */
const READS_KVS = /\bkvs\s*\(/;
/** How the generator bakes the header name in (shared/ip-filter-core, `cloudfront_function::kvs`). */
const SECRET_HEADER_DECLARATION = /^var SECRET_HEADER = ("(?:[^"\\\n]|\\.)*");$/m;

/** Throws unless `file` is the KVS-mode CloudFront Function built for header `headerName`. */
export function checkKvsFunction(file: string, headerName: string): void {
  const js = readArtifact(file, 'artifacts.ipFilterKvsCloudFrontFunction');
  if (!READS_KVS.test(js)) {
    throw new Error(
      `artifacts.ipFilterKvsCloudFrontFunction ${file} does not read a KeyValueStore (cf.kvs()): it is the ` +
      'address-only function; give target/edge/ip-filter-kvs.cloudfront.js',
    );
  }
  const declared = SECRET_HEADER_DECLARATION.exec(js);
  if (!declared) {
    throw new Error(`artifacts.ipFilterKvsCloudFrontFunction ${file} does not declare its origin-secret header (var SECRET_HEADER = "…";)`);
  }
  const baked: unknown = JSON.parse(declared[1]);
  if (baked !== headerName) {
    throw new Error(
      `artifacts.ipFilterKvsCloudFrontFunction ${file} was built for origin-secret header ${JSON.stringify(baked)}, not ${JSON.stringify(headerName)}: ` +
      `rebuild with cargo xtask cloudfront-function --origin-secret-header ${headerName}, or set originSecret.headerName to the name it was built with`,
    );
  }
}

/** Throws if `file` (deployed with the origin secret opted out) reads a store it would not have. */
export function checkAddressOnlyFunction(file: string): void {
  const js = readArtifact(file, 'artifacts.ipFilterCloudFrontFunction');
  if (READS_KVS.test(js)) {
    throw new Error(
      `artifacts.ipFilterCloudFrontFunction ${file} reads a KeyValueStore, but originSecret is opted out (no store is ` +
      'created): give the address-only target/edge/ip-filter.cloudfront.js',
    );
  }
}

/** What the Lambda@Edge bundle's `config.json` must say about the store and the header. */
export interface EdgeKvsExpectation {
  readonly keyValueStoreArn: string;
  readonly headerName: string;
}

/**
 * Throws unless the bundle's `config.json` carries `expected` (`kvsArn`, `originSecretHeader`,
 * which defaults to `x-origin-secret` in the bundle), or, with `expected` undefined (opted out),
 * carries no `kvsArn`.
 */
export function checkEdgeBundle(bundle: string, expected: EdgeKvsExpectation | undefined, defaultHeader: string): void {
  let config: { kvsArn?: unknown; originSecretHeader?: unknown; kvsEndpoint?: unknown };
  try {
    config = JSON.parse(readBundleFile(bundle, 'config.json').toString('utf8'));
  } catch (e) {
    throw new Error(`artifacts.ipFilterBundle ${bundle}: no readable config.json (${(e as Error).message})`);
  }
  if (config.kvsEndpoint != null) {
    throw new Error(
      `artifacts.ipFilterBundle ${bundle} was built with kvsEndpoint ${JSON.stringify(config.kvsEndpoint)} (a loopback ` +
      'stand-in, for tests only): rebuild without it',
    );
  }
  if (!expected) {
    if (config.kvsArn != null) {
      throw new Error(
        `artifacts.ipFilterBundle ${bundle} was built with --kvs-arn ${JSON.stringify(config.kvsArn)}, but originSecret ` +
        'is opted out (no sync keeps that store current): rebuild without --kvs-arn',
      );
    }
    return;
  }
  if (config.kvsArn !== expected.keyValueStoreArn) {
    throw new Error(
      `artifacts.ipFilterBundle ${bundle} was built for KeyValueStore ${JSON.stringify(config.kvsArn ?? null)}, not ` +
      `originSecret.keyValueStoreArn ${expected.keyValueStoreArn}: rebuild with cargo xtask edge --kvs-arn ${expected.keyValueStoreArn}`,
    );
  }
  const header = config.originSecretHeader ?? defaultHeader;
  if (header !== expected.headerName) {
    throw new Error(
      `artifacts.ipFilterBundle ${bundle} was built for origin-secret header ${JSON.stringify(header)}, not ` +
      `originSecret.headerName ${JSON.stringify(expected.headerName)}: rebuild with cargo xtask edge --origin-secret-header ${expected.headerName}`,
    );
  }
}

function readArtifact(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${name} ${file} is missing: build it with cargo xtask cloudfront-function`);
  }
}
