// Reads one file of an edge bundle as deployed: from the bundle's directory, or from inside its zip
// (what `cargo xtask edge` writes: stored or deflated entries, no zip64, no encryption).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const MAX_END_RECORD = 22 + 0xffff;

/** The bytes of `name` in `bundle` (a directory or a `.zip`); throws naming what is missing. */
export function readBundleFile(bundle: string, name: string): Buffer {
  if (statSync(bundle, { throwIfNoEntry: false })?.isDirectory()) {
    try {
      return readFileSync(join(bundle, name));
    } catch {
      throw new Error(`${bundle} has no ${name}`);
    }
  }
  return readZipEntry(readFileSync(bundle), name, bundle);
}

/** The content of entry `name` of the zip archive `zip` (`label` names it in errors). */
export function readZipEntry(zip: Buffer, name: string, label: string): Buffer {
  const end = findEndRecord(zip, label);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`${label}: a broken zip central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      return entryData(zip, local, compressed, method, `${label}!${name}`);
    }
    at += 46 + nameLength + skip;
  }
  throw new Error(`${label} has no ${name}`);
}

function findEndRecord(zip: Buffer, label: string): number {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - MAX_END_RECORD); at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new Error(`${label} is neither a directory nor a zip archive`);
}

function entryData(zip: Buffer, local: number, compressed: number, method: number, label: string): Buffer {
  if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL_FILE_HEADER) throw new Error(`${label}: a broken zip entry`);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const data = zip.subarray(start, start + compressed);
  if (method === 0) return data;
  if (method === 8) return inflateRawSync(data);
  throw new Error(`${label}: zip compression method ${method} is not stored or deflate`);
}
