// The synth checks read the real generated functions' sidecars (written by `cargo xtask
// cloudfront-function`, which `cargo xtask test` runs before npm test, to target/edge): the
// reader here and the writer in Rust (shared/ip-filter-cloudfront-function, `sidecar`) agree on
// the format, and each function's sidecar says what the function is.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkAddressOnlyFunction, checkConnectionFunction, checkKvsFunction } from '../lib/artifact-checks.js';
import { readConnectionSidecar, readSidecar, sidecarPath } from '../lib/function-sidecar.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const edge = process.env.OAC_KIT_EDGE_DIR ?? join(repo, 'target/edge');
const addressOnly = join(edge, 'ip-filter.cloudfront.js');
const kvs = join(edge, 'ip-filter-kvs.cloudfront.js');
const connection = join(edge, 'viewer-mtls.connection.js');
/** What `cargo xtask cloudfront-function` builds the KVS-mode function for unless told. */
const DEFAULT_HEADER = 'x-origin-secret';

describe('the generated functions\' sidecars, as the synth checks read them', () => {
  it('both functions and their sidecars are there (cargo xtask cloudfront-function writes them)', () => {
    for (const file of [addressOnly, kvs, sidecarPath(addressOnly), sidecarPath(kvs)]) {
      assert.ok(existsSync(file), `${file} is missing: run cargo xtask cloudfront-function (cargo xtask test does, before npm test)`);
    }
  });

  it('the address-only function: no header, no store, its own size', () => {
    const sidecar = readSidecar(addressOnly, 'address-only');
    assert.deepEqual([sidecar.secretHeader, sidecar.readsKvs], [null, false]);
    assert.equal(sidecar.sizeBytes, readFileSync(addressOnly).length);
    assert.doesNotThrow(() => checkAddressOnlyFunction(addressOnly));
    assert.throws(() => checkKvsFunction(addressOnly, DEFAULT_HEADER), /does not read a KeyValueStore/);
  });

  it('the KVS-mode function: the default header, reads the store', () => {
    const sidecar = readSidecar(kvs, 'kvs');
    assert.deepEqual([sidecar.secretHeader, sidecar.readsKvs], [DEFAULT_HEADER, true]);
    assert.doesNotThrow(() => checkKvsFunction(kvs, DEFAULT_HEADER));
    assert.throws(() => checkKvsFunction(kvs, 'x-zone-key'), /was built for origin-secret header "x-origin-secret", not "x-zone-key"/);
    assert.throws(() => checkAddressOnlyFunction(kvs), /reads a KeyValueStore, but originSecret is opted out/);
  });

  it('a copy of the KVS-mode function with one byte changed is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oac-kit-sidecar-'));
    const copy = join(dir, 'ip-filter-kvs.cloudfront.js');
    copyFileSync(sidecarPath(kvs), sidecarPath(copy));
    const code = readFileSync(kvs);
    writeFileSync(copy, code);
    assert.doesNotThrow(() => checkKvsFunction(copy, DEFAULT_HEADER));
    code[code.length - 2] ^= 1;
    writeFileSync(copy, code);
    assert.throws(() => checkKvsFunction(copy, DEFAULT_HEADER), /its sha256 differs/);
  });

  it('the viewer-mTLS Connection Function: kind connection, serials under serial:, its own size; refused as a viewer filter', () => {
    assert.ok(existsSync(connection) && existsSync(sidecarPath(connection)), `${connection} or its sidecar is missing: run cargo xtask cloudfront-function`);
    const sidecar = checkConnectionFunction(connection);
    assert.deepEqual([sidecar.kind, sidecar.kvsKeyPrefix, sidecar.readsKvs], ['connection', 'serial:', true]);
    assert.equal(sidecar.sizeBytes, readFileSync(connection).length);
    assert.match(readFileSync(connection, 'utf8'), /async function connectionHandler\(connection\)/);
    assert.throws(() => readSidecar(connection, 'connection'), /is not a function sidecar/);
    assert.throws(() => readConnectionSidecar(kvs, 'kvs'), /is not a connection function sidecar/);
  });
});
