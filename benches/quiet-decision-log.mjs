// Imported first by the benches that run edge bundles: the bundles' decision log lines (one JSON
// line per invocation, docs/metrics.md) are written synchronously to /dev/null instead of the
// terminal, so the cost of the write stays in the measurement and the tables stay readable.
// Everything else the bench prints goes to stdout as before.
import { openSync, writeSync } from 'node:fs';

const devNull = openSync('/dev/null', 'w');
const print = console.log.bind(console);
const isDecisionLine = (args) => args.length === 1 && typeof args[0] === 'string' && args[0].startsWith('{"function":');

console.log = (...args) => (isDecisionLine(args) ? writeSync(devNull, `${args[0]}\n`) : print(...args));
