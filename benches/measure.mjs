// The benches' shared timing: contenders run in alternating blocks in one process, so drift
// (other work on the machine, the JIT) hits each equally.

export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
export const micros = (ns) => Number(ns) / 1000;
export const fmt = (us) => (us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : us.toFixed(0));

/** Runs each contender in alternating blocks so drift hits both equally; returns sorted samples (µs). */
export async function measure(contenders, iterations) {
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const fn of Object.values(contenders)) for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const block = 50;
  for (let done = 0; done < iterations; done += block) {
    for (const [name, fn] of Object.entries(contenders)) {
      for (let i = 0; i < block; i++) {
        const t = process.hrtime.bigint();
        await fn();
        samples[name].push(micros(process.hrtime.bigint() - t));
      }
    }
  }
  for (const s of Object.values(samples)) s.sort((a, b) => a - b);
  return samples;
}
