// The obvious alternative to oac-kit's body-hash bundle: a plain Node.js origin-request handler.
// Used only as the benchmark baseline (it checks far less: no base64 validation, no IncludeBody check).
import { createHash } from 'node:crypto';

export async function handler(event) {
  const request = event.Records[0].cf.request;
  const body = request.body;
  if (body?.inputTruncated) return { status: '413', statusDescription: 'Payload Too Large' };
  const bytes = !body ? Buffer.alloc(0)
    : body.encoding === 'text' ? Buffer.from(body.data, 'utf8')
    : Buffer.from(body.data, 'base64');
  const value = createHash('sha256').update(bytes).digest('hex');
  request.headers['x-amz-content-sha256'] = [{ key: 'x-amz-content-sha256', value }];
  return request;
}
