
var kvs = cf.kvs();
var ZERO = '00000000000000000000000000000000';
var ONES = 'ffffffffffffffffffffffffffffffff';

// Pushes the interval of one strict CIDR (no host bits; IPv4 /12 or longer; IPv6 /24 or longer
// inside 2000::/3, which leaves out IPv4-mapped ranges) onto t4 or t6; false when it is none.
function cidr(c, t4, t6) {
  var s = c.split('/');
  if (s.length !== 2 || !/^(0|[1-9][0-9]{0,2})$/.test(s[1])) return false;
  var p = +s[1];
  var n = v4(s[0]);
  if (n >= 0) {
    var size = Math.pow(2, 32 - p);
    if (p < 12 || p > 32 || n % size) return false;
    t4.push(n, n + size - 1);
    return true;
  }
  var h = v6(s[0]);
  if (h === '' || p < 24 || p > 128 || !/^[23]/.test(h)) return false;
  var q = p >> 2;
  var hi = h;
  if (q < 32) {
    var m = (1 << (4 - (p % 4))) - 1;
    var d = parseInt(h[q], 16);
    if (d & m || h.slice(q + 1) !== ZERO.slice(q + 1)) return false;
    hi = h.slice(0, q) + (d | m).toString(16) + ONES.slice(q + 1);
  }
  t6.push(h, hi);
  return true;
}

// The ranges in the store as [IPv4 intervals, IPv6 intervals], or null when the value is missing
// or refused (a bad header line, a missing part, a SHA-256 mismatch, a bad CIDR).
async function storedRanges() {
  try {
    var first = await kvs.get('ranges:0');
    var nl = first.indexOf('\n');
    var m = nl < 0 ? null : /^oac-ranges\/1 n=([1-9][0-9]?) sha256=([0-9a-f]{64})$/.exec(first.slice(0, nl));
    if (!m || +m[1] > 16) return null;
    var body = first.slice(nl + 1);
    for (var i = 1; i < +m[1]; i++) body += await kvs.get('ranges:' + i);
    if (crypto.createHash('sha256').update(body).digest('hex') !== m[2]) return null;
    var t4 = [];
    var t6 = [];
    var list = body.split(',');
    for (var j = 0; j < list.length; j++) {
      if (!cidr(list[j], t4, t6)) return null;
    }
    return [t4, t6];
  } catch (e) {
    return null;
  }
}

// The valid secrets' SHA-256 digests, or null when origin-secrets is missing or malformed.
async function storedSecrets() {
  try {
    var m = /^oac-secrets\/1 ([0-9a-f]{64})(?:,([0-9a-f]{64}))?$/.exec(await kvs.get('origin-secrets'));
    if (!m || m[1] === m[2]) return null;
    return m[2] ? [m[1], m[2]] : [m[1]];
  } catch (e) {
    return null;
  }
}

// 1 when the header is there once and hashes to one of the digests. Every digest is compared,
// every character of each, whatever matched before.
function secretOk(request, digests) {
  var h = (request.headers || {})[SECRET_HEADER];
  if (!digests || !h || typeof h.value !== 'string' || (h.multiValue && h.multiValue.length !== 1)) return 0;
  var got = crypto.createHash('sha256').update(h.value).digest('hex');
  var ok = 0;
  for (var i = 0; i < digests.length; i++) {
    var diff = 0;
    for (var j = 0; j < 64; j++) diff |= digests[i].charCodeAt(j) ^ got.charCodeAt(j);
    ok |= ((diff - 1) >> 8) & 1;
  }
  return ok;
}

async function handler(event) {
  var ranges = await storedRanges();
  var digests = await storedSecrets();
  var request = event.request;
  var a = event.viewer ? addr(event.viewer.ip) : null;
  var v = typeof a === 'number';
  var inRanges = a !== null && (ranges ? inT(ranges[v ? 0 : 1], a) || inT(v ? X4 : X6, a) : inT(v ? V4 : V6, a));
  if (inRanges && secretOk(request, digests) === 1) {
    delete request.headers[SECRET_HEADER];
    return request;
  }
  return forbidden();
}
