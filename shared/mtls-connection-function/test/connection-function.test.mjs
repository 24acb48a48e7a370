// Runs the viewer-mTLS Connection Function (target/edge/viewer-mtls.connection.js) with the
// KeyValueStore stand-in and the loader oac-dev uses, on fake connections, and holds its serial
// normalisation to Rust's (origin_pull_ca::Serial::from_presented) on the cases Rust wrote to
// target/edge/viewer-mtls.serial-cases.json. Both files: `cargo xtask cloudfront-function`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyValueStore } from '../../../tools/oac-dev/js/cloudfront-function.mjs';
import { loadConnectionFunction, runConnection } from '../../../tools/oac-dev/js/connection-function.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const edgeDir = process.env.OAC_KIT_EDGE_DIR ?? join(resolve(here, '../../..'), 'target/edge');
const code = readFileSync(join(edgeDir, 'viewer-mtls.connection.js'), 'utf8');
const sidecar = JSON.parse(readFileSync(join(edgeDir, 'viewer-mtls.connection.json'), 'utf8'));
const { prefix, cases, random } = JSON.parse(readFileSync(join(edgeDir, 'viewer-mtls.serial-cases.json'), 'utf8'));

const store = keyValueStore();
const { connectionHandler } = loadConnectionFunction(code, 'viewer-mtls.connection.js', store);

const issued = cases.find((c) => c.name === 'an issued serial, canonical').canonical;
const OTHER = '1234567890abcdef1234567890abcdef';
const value = JSON.stringify({ notAfter: '2027-03-01T00:00:00Z', cn: 'api.example.com' });

/** Fills the store with `serial:<s>` for each canonical serial given. */
function listing(...serials) {
  store.set(Object.fromEntries(serials.map((s) => [`${prefix}${s}`, value])));
}

/** The decision on a connection presenting `clientCertInfo`; checks exactly one of allow/deny was called. */
async function decide(clientCertInfo) {
  const { decision, calls, error } = await runConnection(connectionHandler, clientCertInfo);
  assert.equal(error, null, `the handler threw: ${error}`);
  assert.equal(calls.length, 1, `allow/deny calls: ${JSON.stringify(calls)}`);
  return decision;
}
const presenting = (serialNumber) => decide({ serialNumber });

describe('viewer-mTLS Connection Function: the module', () => {
  it('is under the 10 KB limit and described by its sidecar', () => {
    assert.ok(Buffer.byteLength(code, 'utf8') <= 10 * 1024, `${code.length} bytes`);
    assert.equal(sidecar.kind, 'connection');
    assert.equal(sidecar.kvsKeyPrefix, prefix);
    assert.equal(sidecar.readsKvs, true);
    assert.equal(sidecar.sizeBytes, Buffer.byteLength(code, 'utf8'));
    assert.equal(sidecar.sha256, createHash('sha256').update(code).digest('hex'));
  });

  it("imports only cloudfront, first, and has the async connectionHandler", () => {
    assert.equal(code.split('\n')[0], "import cf from 'cloudfront';");
    assert.match(code, /^async function connectionHandler\(connection\) \{$/m);
    assert.doesNotMatch(code, /\brequire\(|\bexport\b/);
    assert.equal(code.match(/^import /gm).length, 1);
  });
});

describe('viewer-mTLS Connection Function: the decision', () => {
  it('allows a listed serial', async () => {
    listing(issued);
    assert.equal(await presenting(issued), 'allow');
  });

  it('denies a serial that is not listed', async () => {
    listing(OTHER);
    assert.equal(await presenting(issued), 'deny');
  });

  it('denies a serial once it is removed from the store, without reloading', async () => {
    listing(issued, OTHER);
    assert.equal(await presenting(issued), 'allow');
    listing(OTHER);
    assert.equal(await presenting(issued), 'deny');
  });

  it('denies a key listed without the prefix', async () => {
    store.set({ [issued]: value });
    assert.equal(await presenting(issued), 'deny');
  });

  it('denies a connection without clientCertInfo', async () => {
    listing(issued);
    assert.equal(await decide(undefined), 'deny');
  });

  it('denies clientCertInfo without a serialNumber', async () => {
    listing(issued);
    assert.equal(await decide({}), 'deny');
    assert.equal(await decide(null), 'deny');
  });

  for (const [name, serialNumber] of [['null', null], ['a number', 42], ['an object', { toString: () => issued }], ['an array', [issued]]]) {
    it(`denies a serialNumber that is ${name}`, async () => {
      listing(issued, '42');
      assert.equal(await presenting(serialNumber), 'deny');
    });
  }

  it('denies everyone when the store cannot be read', async () => {
    store.set(null);
    assert.equal(await presenting(issued), 'deny');
  });

  it("denies when the serial's own read fails", async () => {
    store.set({ [`${prefix}${issued}`]: value }, [`${prefix}${issued}`]);
    assert.equal(await presenting(issued), 'deny');
  });

  it('denies when exists() answers something other than true', async () => {
    const odd = { handle: { exists: async () => 'true' } };
    const { connectionHandler: handler } = loadConnectionFunction(code, 'viewer-mtls.connection.js', odd);
    const { decision, calls } = await runConnection(handler, { serialNumber: issued });
    assert.equal(decision, 'deny');
    assert.deepEqual(calls, ['deny']);
  });

  it('denies when cf.kvs() itself throws', async () => {
    const broken = { get handle() { throw new Error('no store associated'); } };
    const { connectionHandler: handler } = loadConnectionFunction(code, 'viewer-mtls.connection.js', broken);
    const { decision, calls } = await runConnection(handler, { serialNumber: issued });
    assert.equal(decision, 'deny');
    assert.deepEqual(calls, ['deny']);
  });
});

describe('viewer-mTLS Connection Function: serials, held to Rust', () => {
  /** What a lenient normaliser might make of `text` (every hex digit kept): keys a refused case must not reach. */
  const lenient = (text) => {
    const digits = String(text).toLowerCase().replace(/[^0-9a-f]/g, '').replace(/^0+/, '');
    return [digits, digits || '0', String(text).toLowerCase()];
  };

  it('the cases hold both verdicts', () => {
    assert.ok(cases.some((c) => c.canonical === null));
    assert.ok(cases.filter((c) => c.canonical !== null).length >= 8);
  });

  for (const c of cases) {
    if (c.canonical !== null) {
      it(`"${c.name}": Rust reads ${c.canonical}, so exactly that key lets it in`, async () => {
        listing(c.canonical);
        assert.equal(await presenting(c.presented), 'allow');
        listing(...lenient(c.presented).filter((k) => k !== c.canonical), OTHER);
        assert.equal(await presenting(c.presented), 'deny');
      });
    } else {
      it(`"${c.name}": Rust refuses it (${c.refused}), so it is denied`, async () => {
        listing(...lenient(c.presented), ...cases.filter((o) => o.canonical !== null).map((o) => o.canonical));
        assert.equal(await presenting(c.presented), 'deny');
      });
    }
  }

  it(`${random.length} random presented forms: each decided as Rust reads it`, async () => {
    const wrong = [];
    for (const c of random) {
      if (c.canonical !== null) listing(c.canonical);
      else listing(...lenient(c.presented));
      const expected = c.canonical !== null ? 'allow' : 'deny';
      if ((await presenting(c.presented)) !== expected) wrong.push(c);
    }
    assert.deepEqual(wrong.slice(0, 5), []);
  });
});
