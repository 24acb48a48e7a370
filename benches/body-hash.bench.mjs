// node benches/body-hash.bench.mjs <bundle-dir> [<previous-bundle-dir>]   (or: cargo xtask bench,
// which runs it on the local Node.js and on Node.js 22). With a previous bundle (a copy of an
// older target/edge/body-hash), it runs as a fourth contender and a second table compares the two.
//
// In one Node.js process, alternating in blocks so drift and load hit every contender alike:
// oac-kit's body-hash edge bundle at the decision log level baked into its config.json (printed;
// `cargo xtask bench` builds the default, `refusals`, which writes no line for a hashed body), a
// plain Node.js handler (Buffer.from(data, 'base64') + crypto.createHash('sha256'); it logs
// nothing: like for like with the default level), the same plain handler plus one console.log of
// a JSON decision line (like for like with a bundle built with `--decision-log all`), and SHA-256
// alone (Node's crypto over the already-decoded bytes:
// the hashing limit in this process, what no handler of the body can beat), on bodies of 0 B,
// 1 KiB, 64 KiB and 1 MiB. Every call gets a fresh event with a fresh base64 string (one byte
// changed, re-encoded), built outside the timed region — the runtime parses a new event for each
// invocation, so no contender may profit from a string V8 has seen before. Then the cold start
// of each bundle: a fresh process importing index.mjs and handling its first event.
import './quiet-decision-log.mjs';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, quantile } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ours = resolve(process.argv[2] ?? join(here, '../target/edge/body-hash'));
const plain = join(here, 'plain-node-body-hash');
const fixture = join(here, '../fixtures/cloudfront/origin-request-post-json.json');
const sample = JSON.parse(readFileSync(fixture, 'utf8'));
const load = async (dir) => (await import(pathToFileURL(join(dir, 'index.mjs')).href)).handler;
const previousDir = process.argv[3] && resolve(process.argv[3]);
const bundle = await load(ours);
const previous = previousDir && (await load(previousDir));
const plainHandler = await load(plain);
const plainLogged = (await import(pathToFileURL(join(plain, 'logged.mjs')).href)).handler;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A fresh origin-request event around `data` (a new object graph every call). */
function eventWith(data) {
  const e = structuredClone(sample);
  e.Records[0].cf.request.body = { action: 'read-only', data, encoding: 'base64', inputTruncated: false };
  return e;
}

/** Fresh base64 strings of `size` random bytes: each call changes one byte and re-encodes. */
function freshBodies(size) {
  const bytes = randomBytes(size);
  let n = 0;
  return () => {
    if (size > 0) bytes[(n * 7919) % size] = n & 0xff;
    n += 1;
    return { bytes, data: bytes.toString('base64') };
  };
}


/**
 * Runs each contender `iterations` times in alternating blocks. A contender is
 * `{ prepare: () => input, run: (input) => result }`; only `run` is timed. Returns sorted µs.
 */
async function measure(contenders, iterations) {
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const warmup = Math.min(200, iterations);
  for (const c of Object.values(contenders)) for (let i = 0; i < warmup; i++) await c.run(c.prepare());
  const block = 25;
  for (let done = 0; done < iterations; done += block) {
    for (const [name, c] of Object.entries(contenders)) {
      for (let i = 0; i < block; i++) {
        const input = c.prepare();
        const t = process.hrtime.bigint();
        await c.run(input);
        samples[name].push(Number(process.hrtime.bigint() - t) / 1000);
      }
    }
  }
  for (const s of Object.values(samples)) s.sort((a, b) => a - b);
  return samples;
}

/** Every contender computes Node's own hash of a fresh body, before anything is timed. */
async function checkAgrees(size) {
  const { bytes, data } = freshBodies(size)();
  const expected = sha256(bytes);
  for (const [name, h] of [['bundle', bundle], ['plain', plainHandler], ['plain + log', plainLogged], ['previous', previous]]) {
    if (!h) continue;
    const got = (await h(eventWith(data))).headers['x-amz-content-sha256'][0].value;
    if (got !== expected) throw new Error(`${name} hashed ${size} bytes wrong`);
  }
}

const cell = (s) => `${fmt(quantile(s, 0.5))} / ${fmt(quantile(s, 0.99))}`;
const load1 = () => loadavg().map((l) => l.toFixed(2)).join(', ');

const level = (dir) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).decisionLog ?? 'all (built before the levels)';
console.log(`node ${process.version}, ${process.platform}-${process.arch}; load average (1, 5, 15 min) at start: ${load1()}`);
console.log(`bundle ${ours}: decisionLog ${level(ours)}${previousDir ? `; previous ${previousDir}: decisionLog ${level(previousDir)}` : ''}`);
console.log('\n| body | bundle median / p99 (µs) | plain Node.js median / p99 (µs) | plain Node.js + one console.log line median / p99 (µs) | SHA-256 alone median / p99 (µs) | bundle ÷ plain | bundle ÷ plain + log | bundle ÷ SHA-256 |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const againstPrevious = [];
for (const [label, size, iterations] of [['0 B', 0, 20000], ['1 KiB', 1024, 20000], ['64 KiB', 65536, 3000], ['1 MiB', 1 << 20, 400]]) {
  await checkAgrees(size);
  const next = freshBodies(size);
  const contenders = {
    bundle: { prepare: () => eventWith(next().data), run: bundle },
    plain: { prepare: () => eventWith(next().data), run: plainHandler },
    plainLogged: { prepare: () => eventWith(next().data), run: plainLogged },
    sha: { prepare: () => Buffer.from(next().data, 'base64'), run: sha256 },
  };
  if (previous) contenders.previous = { prepare: () => eventWith(next().data), run: previous };
  const s = await measure(contenders, iterations);
  const m = (k) => quantile(s[k], 0.5);
  console.log(`| ${label} | ${cell(s.bundle)} | ${cell(s.plain)} | ${cell(s.plainLogged)} | ${cell(s.sha)} | ${(m('bundle') / m('plain')).toFixed(2)}× | ${(m('bundle') / m('plainLogged')).toFixed(2)}× | ${(m('bundle') / m('sha')).toFixed(2)}× |`);
  if (previous) againstPrevious.push(`| ${label} | ${cell(s.bundle)} | ${cell(s.previous)} | ${(m('bundle') / m('previous')).toFixed(2)}× | ${(m('previous') / m('plain')).toFixed(2)}× |`);
}
if (previous) {
  console.log(`\nagainst the previous bundle (${previousDir}), same run:\n`);
  console.log('| body | bundle median / p99 (µs) | previous median / p99 (µs) | bundle ÷ previous | previous ÷ plain |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of againstPrevious) console.log(row);
}

// Cold start: a fresh process imports index.mjs (the addon's dlopen included) and handles the
// sample event. "import → first event" is what the bundle adds; "process start → first event"
// (performance.now() counts from the process's time origin) includes Node.js's own boot.
const coldScript = (dir) => `
import { readFileSync } from 'node:fs';
const event = JSON.parse(readFileSync(${JSON.stringify(fixture)}, 'utf8'));
const t0 = performance.now();
const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
await handler(event);
const t1 = performance.now();
console.log(JSON.stringify([t1 - t0, t1]));`;
const runs = { bundle: [], plain: [] };
for (let i = 0; i < 15; i++) {
  for (const [name, dir] of [['bundle', ours], ['plain', plain]]) {
    // The last line: the bundle's decision line comes before it.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', coldScript(dir)]).toString();
    runs[name].push(JSON.parse(out.trim().split('\n').at(-1)));
  }
}
const coldCell = (samples) => {
  const s = samples.toSorted((a, b) => a - b);
  return `${quantile(s, 0.5).toFixed(2)} / ${s.at(-1).toFixed(2)}`;
};
console.log('\n| bundle | import → first event, median / max (ms) | process start → first event, median / max (ms) |');
console.log('| --- | --- | --- |');
for (const [label, name] of [['oac-kit bundle', 'bundle'], ['plain Node.js', 'plain']]) {
  console.log(`| ${label} | ${coldCell(runs[name].map((r) => r[0]))} | ${coldCell(runs[name].map((r) => r[1]))} |`);
}
console.log(`\n15 fresh processes each, alternating; load average at end: ${load1()}`);
