// The sidecar `cargo xtask cloudfront-function` writes beside each generated CloudFront Function:
// what a deployer must know of the function (the origin-secret header it checks, whether it reads
// a KeyValueStore), read here instead of being scraped out of the code. Fails closed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * What `cargo xtask cloudfront-function` writes beside each generated function, so that nobody
 * reads these facts back out of the code (shared/ip-filter-cloudfront-function, `sidecar`, says
 * the format; `test/function-sidecar.test.ts` runs these checks on the real generated files).
 */
export interface FunctionSidecar {
  /** The origin-secret header the function checks and removes; `null`: no secret check. */
  readonly secretHeader: string | null;
  /** Whether the function reads the KeyValueStore associated with it. */
  readonly readsKvs: boolean;
  /** The code's length in bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the code, lowercase hex. */
  readonly sha256: string;
}

const SIDECAR_FIELDS = ['secretHeader', 'readsKvs', 'sizeBytes', 'sha256'];

/** Where the sidecar of the function `file` is: `.js` replaced by `.json` (or `.json` appended). */
export function sidecarPath(file: string): string {
  return `${file.endsWith('.js') ? file.slice(0, -3) : file}.json`;
}

/**
 * The sidecar of `file` (the artifact prop `name`), checked to describe the code there; throws
 * when it is missing, malformed, or of other code (a function rebuilt or edited after it).
 */
export function readSidecar(file: string, name: string): FunctionSidecar {
  return readCheckedSidecar(file, name, 'function', SIDECAR_FIELDS, (s) =>
    (s.secretHeader === null || typeof s.secretHeader === 'string') && typeof s.readsKvs === 'boolean') as unknown as FunctionSidecar;
}

/**
 * What `cargo xtask cloudfront-function` writes beside the viewer-mTLS Connection Function
 * (`viewer-mtls.connection.json`): the kind, the prefix of the store's keys it looks up, whether it
 * reads its store, and the code's size and digest.
 */
export interface ConnectionFunctionSidecar {
  /** Always `connection`: a viewer-request function in its place is refused. */
  readonly kind: 'connection';
  /** The prefix of the KeyValueStore keys the function looks serials up under (`serial:`). */
  readonly kvsKeyPrefix: string;
  readonly readsKvs: boolean;
  readonly sizeBytes: number;
  readonly sha256: string;
}

const CONNECTION_SIDECAR_FIELDS = ['kind', 'kvsKeyPrefix', 'readsKvs', 'sizeBytes', 'sha256'];

/** The sidecar of the Connection Function `file`, checked like {@link readSidecar}. */
export function readConnectionSidecar(file: string, name: string): ConnectionFunctionSidecar {
  return readCheckedSidecar(file, name, 'connection function', CONNECTION_SIDECAR_FIELDS, (s) =>
    typeof s.kind === 'string' && typeof s.kvsKeyPrefix === 'string' && typeof s.readsKvs === 'boolean') as unknown as ConnectionFunctionSidecar;
}

/** Reads `file` and its sidecar: exactly `fields`, `valid` for the kind's own fields, the size and digest of the code. */
function readCheckedSidecar(
  file: string,
  name: string,
  kind: string,
  fields: readonly string[],
  valid: (s: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  let code: Buffer;
  try {
    code = readFileSync(file);
  } catch {
    throw new Error(`${name} ${file} is missing: build it with cargo xtask cloudfront-function`);
  }
  const path = sidecarPath(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${name} ${file} has no sidecar ${path}: build both with cargo xtask cloudfront-function`);
  }
  let sidecar: Record<string, unknown>;
  try {
    sidecar = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name} sidecar ${path} is not JSON (${(e as Error).message})`);
  }
  const keys = sidecar !== null && typeof sidecar === 'object' && !Array.isArray(sidecar) ? Object.keys(sidecar) : [];
  if (
    keys.length !== fields.length || !fields.every((k) => keys.includes(k)) || !valid(sidecar) ||
    !Number.isSafeInteger(sidecar.sizeBytes) || typeof sidecar.sha256 !== 'string'
  ) {
    throw new Error(`${name} sidecar ${path} is not a ${kind} sidecar (${fields.join(', ')}, nothing else)`);
  }
  const digest = createHash('sha256').update(code).digest('hex');
  for (const [field, differs] of [['sizeBytes', sidecar.sizeBytes !== code.length], ['sha256', sidecar.sha256 !== digest]] as const) {
    if (differs) {
      throw new Error(`${name} sidecar ${path} does not describe ${file} (its ${field} differs): rebuild both with cargo xtask cloudfront-function`);
    }
  }
  return sidecar;
}
