// node invoke.mjs <bundle-dir> <event.json>: prints, as JSON, what the bundle's handler returns.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundleDir, eventFile] = process.argv.slice(2);
// stdout carries the answer alone: the bundle's decision log line goes to stderr.
console.log = (...args) => console.error(...args);
const { handler } = await import(pathToFileURL(resolve(bundleDir, 'index.mjs')).href);
process.stdout.write(JSON.stringify(await handler(JSON.parse(readFileSync(eventFile, 'utf8')))));
