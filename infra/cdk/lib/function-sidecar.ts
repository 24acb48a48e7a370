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
    keys.length !== SIDECAR_FIELDS.length || !SIDECAR_FIELDS.every((k) => keys.includes(k)) ||
    !(sidecar.secretHeader === null || typeof sidecar.secretHeader === 'string') || typeof sidecar.readsKvs !== 'boolean' ||
    !Number.isSafeInteger(sidecar.sizeBytes) || typeof sidecar.sha256 !== 'string'
  ) {
    throw new Error(`${name} sidecar ${path} is not a function sidecar (${SIDECAR_FIELDS.join(', ')}, nothing else)`);
  }
  const digest = createHash('sha256').update(code).digest('hex');
  for (const [field, differs] of [['sizeBytes', sidecar.sizeBytes !== code.length], ['sha256', sidecar.sha256 !== digest]] as const) {
    if (differs) {
      throw new Error(`${name} sidecar ${path} does not describe ${file} (its ${field} differs): rebuild both with cargo xtask cloudfront-function`);
    }
  }
  return sidecar as unknown as FunctionSidecar;
}
