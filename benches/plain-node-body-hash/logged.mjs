// The plain Node.js baseline plus what the bundle adds since issue 14: one JSON decision line per
// invocation through console.log (the same members the bundle's line carries), so the bench
// compares like for like. Used only as a benchmark contender.
import { handler as plain } from './index.mjs';

export async function handler(event) {
  const answer = await plain(event);
  const { config, request } = event.Records[0].cf;
  const body = request.body;
  const line = answer.status === undefined
    ? { function: 'body-hash', decision: 'forward', reason: body ? 'hashed' : 'no-body' }
    : { function: 'body-hash', decision: 'respond', status: Number(answer.status), reason: 'body-truncated-no-hash' };
  if (body) {
    line.bodyBytes = body.encoding === 'text' ? Buffer.byteLength(body.data, 'utf8') : Buffer.byteLength(body.data, 'base64');
    line.bodyTruncated = body.inputTruncated === true;
  }
  line.requestId = config?.requestId;
  console.log(JSON.stringify(line));
  return answer;
}
