// Synth-time checks that the viewer-filter artifacts (and the viewer-mTLS Connection Function) were
// built for what the construct deploys: the origin-secret header, the KeyValueStore, or neither. A
// mismatch would deploy a filter that answers 403 to everyone (wrong header, wrong store) or one that
// skips the secret: refuse instead.
import { readBundleFile } from './bundle-file.js';
import { ConnectionFunctionSidecar, readConnectionSidecar, readSidecar } from './function-sidecar.js';

/** Throws unless `file` is the KVS-mode CloudFront Function built for header `headerName`, as its sidecar says. */
export function checkKvsFunction(file: string, headerName: string): void {
  const built = readSidecar(file, 'artifacts.ipFilterKvsCloudFrontFunction');
  if (!built.readsKvs) {
    throw new Error(
      `artifacts.ipFilterKvsCloudFrontFunction ${file} does not read a KeyValueStore (its sidecar says readsKvs false): it is the ` +
      'address-only function; give target/edge/ip-filter-kvs.cloudfront.js',
    );
  }
  if (built.secretHeader === null) {
    throw new Error(`artifacts.ipFilterKvsCloudFrontFunction ${file} does not check an origin-secret header (its sidecar says secretHeader null)`);
  }
  if (built.secretHeader !== headerName) {
    throw new Error(
      `artifacts.ipFilterKvsCloudFrontFunction ${file} was built for origin-secret header ${JSON.stringify(built.secretHeader)}, not ${JSON.stringify(headerName)}: ` +
      `rebuild with cargo xtask cloudfront-function --origin-secret-header ${headerName}, or set originSecret.headerName to the name it was built with`,
    );
  }
}

/** Throws if `file` (deployed with the origin secret opted out) reads a store it would not have, as its sidecar says. */
export function checkAddressOnlyFunction(file: string): void {
  const built = readSidecar(file, 'artifacts.ipFilterCloudFrontFunction');
  if (built.readsKvs) {
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

/** The prefix of the serial keys in the Connection Function's store (contract 2: `SERIAL_KEY_PREFIX`). */
export const SERIAL_KEY_PREFIX = 'serial:';

/**
 * Throws unless `file` is the viewer-mTLS Connection Function reading serials under `serial:` from
 * its store, as its sidecar says; returns the sidecar.
 */
export function checkConnectionFunction(file: string): ConnectionFunctionSidecar {
  const name = 'artifacts.viewerMtlsConnectionFunction';
  const built = readConnectionSidecar(file, name);
  if (built.kind !== 'connection') {
    throw new Error(`${name} ${file} is not a Connection Function (its sidecar says kind ${JSON.stringify(built.kind)}): give target/edge/viewer-mtls.connection.js`);
  }
  if (!built.readsKvs || built.kvsKeyPrefix !== SERIAL_KEY_PREFIX) {
    throw new Error(
      `${name} ${file} does not look serials up under ${JSON.stringify(SERIAL_KEY_PREFIX)} in its store (its sidecar says readsKvs ` +
      `${built.readsKvs}, kvsKeyPrefix ${JSON.stringify(built.kvsKeyPrefix)}): the custom resource lists serials there`,
    );
  }
  return built;
}
