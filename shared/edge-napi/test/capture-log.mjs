// What a bundle's handler writes with console.log during one invocation: every argument of every
// call, so a test can assert "exactly one line".
export async function captureLog(run) {
  const original = console.log;
  const calls = [];
  console.log = (...args) => calls.push(args);
  try {
    const answer = await run();
    return { answer, calls };
  } finally {
    console.log = original;
  }
}

/** The one decision line of `calls`, parsed (fails unless there is exactly one, one string). */
export function oneLine(assert, calls) {
  assert.equal(calls.length, 1, `one console.log call, got ${JSON.stringify(calls)}`);
  assert.equal(calls[0].length, 1);
  const [line] = calls[0];
  assert.equal(typeof line, 'string');
  assert.ok(!line.includes('\n'), line);
  return JSON.parse(line);
}
