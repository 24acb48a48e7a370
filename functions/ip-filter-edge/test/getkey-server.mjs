// A loopback stand-in of the KVS data plane's GetKey for the edge bundle's tests and bench: it
// serves `store.items`, answers 500 to everything while `store.failing`, and records every request
// it gets. The values are written here from the layout's definition (docs/ip-filter.md), not by the
// Rust code under test.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

export const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** The `origin-secrets` value for these secrets. */
export const secretsValue = (...secrets) => `oac-secrets/1 ${secrets.map(sha256).join(',')}`;

/** `ranges:*` items for these CIDRs, the body cut into `parts` slices. */
export function rangesItems(cidrs, parts = 1) {
  const body = cidrs.join(',');
  const size = Math.ceil(body.length / parts);
  const slices = Array.from({ length: parts }, (_, i) => body.slice(i * size, (i + 1) * size));
  const items = { 'ranges:0': `oac-ranges/1 n=${parts} sha256=${sha256(body)}\n${slices[0]}` };
  slices.slice(1).forEach((s, i) => { items[`ranges:${i + 1}`] = s; });
  return items;
}

/** Starts the server for the store `arn`; resolves to `{ endpoint, store, close }`. */
export async function startGetKeyServer(arn) {
  const store = { items: {}, failing: false, requests: [] };
  const prefix = `/key-value-stores/${encodeURIComponent(arn)}/keys/`;
  const json = (res, status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    store.requests.push({ method: req.method, url: req.url, headers: req.headers });
    if (store.failing) return json(res, 500, { __type: 'InternalServerException' });
    const key = req.url.startsWith(prefix) ? decodeURIComponent(req.url.slice(prefix.length)) : undefined;
    if (key === undefined || !(key in store.items)) {
      return json(res, 404, { __type: 'ResourceNotFoundException', Message: 'Key not found' });
    }
    return json(res, 200, {
      Key: key, Value: store.items[key], ItemCount: Object.keys(store.items).length, TotalSizeInBytes: 1,
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    store,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
