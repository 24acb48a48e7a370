// Writes the templates of every origin shape (test/shapes.ts) to `<outdir>/<shape>/`, one cloud
// assembly each, for cfn-lint (`cargo xtask test`, xtask/src/cfn_lint.rs). Usage: synth-shapes.ts OUTDIR
import * as path from 'node:path';
import { SHAPES, buildShape } from '../test/shapes.js';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: synth-shapes.ts OUTDIR');
  process.exit(2);
}
for (const shape of SHAPES) {
  buildShape(shape, { outdir: path.resolve(outdir, shape.name) }).synth();
}
console.error(`synth-shapes: ${SHAPES.length} shapes in ${outdir}`);
