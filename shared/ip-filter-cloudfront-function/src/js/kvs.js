
var kvs = cf.kvs();

// Pushes the interval of one strict CIDR (no host bits; IPv4 /12 or longer, IPv6 /24 or longer)
// onto t4 or t6; false when it is none. Reads character codes (it runs per CIDR per request).
function cidr(c, t4, t6) {
  var at = c.indexOf('/');
  if (at < 1 || at === c.length - 1) return false;
  var p = 0;
  for (var i = at + 1; i < c.length; i++) {
    var k = c.charCodeAt(i) - 48;
    if (k < 0 || k > 9 || (i > at + 1 && p === 0) || i > at + 3) return false;
    p = p * 10 + k;
  }
  var a = c.slice(0, at);
  var n = a.indexOf(':') < 0 ? v4(a) : -1;
  if (n >= 0) {
    if (p < 12 || p > 32) return false;
    var size = 1 << (32 - p);
    if (n % size) return false;
    t4.push(n, n + size - 1);
    return true;
  }
  var h = v6(a);
  if (h === '' || p < 24 || p > 128) return false;
  var q = p >> 2;
  if (q === 32) {
    t6.push(h, h);
    return true;
  }
  // The prefix's last digit keeps its top p % 4 bits; every digit after it is 0.
  var m = (1 << (4 - (p % 4))) - 1;
  var e = h.charCodeAt(q);
  var d = e < 58 ? e - 48 : e - 87;
  if (d & m) return false;
  for (var j = q + 1; j < 32; j++) {
    if (h.charCodeAt(j) !== 48) return false;
  }
  t6.push(h, h.slice(0, q) + (d | m).toString(16) + 'ffffffffffffffffffffffffffffffff'.slice(q + 1));
  return true;
}

// Whether an interval of t meets one of s (the special-purpose blocks S4/S6, which cover all of
// IPv6 but 2000::/3, IPv4-mapped ranges too) or one before it in t (a duplicate, or nested).
function clash(t, s) {
  for (var i = 0; i < t.length; i += 2) {
    var a = t[i], b = t[i + 1], j;
    for (j = 0; j < s.length; j += 2) if (a <= s[j + 1] && s[j] <= b) return true;
    for (j = 0; j < i; j += 2) if (a <= t[j + 1] && t[j] <= b) return true;
  }
  return false;
}

// The ranges in the store as [IPv4 intervals, IPv6 intervals], or null when the value is missing
// or refused (a bad header line, a missing part, a SHA-256 mismatch, more than MAX_RANGES CIDRs,
// a bad CIDR, a clash).
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
    if (list.length > MAX_RANGES) return null;
    for (var j = 0; j < list.length; j++) {
      if (!cidr(list[j], t4, t6)) return null;
    }
    return clash(t4, S4) || clash(t6, S6) ? null : [t4, t6];
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

// 1 when the header is there once and hashes to one of the digests: every digest and character
// compared, whatever matched.
function secretOk(request, digests) {
  var v = one((request.headers || {})[SECRET_HEADER]);
  if (!digests || v === null) return 0;
  var got = crypto.createHash('sha256').update(v).digest('hex');
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
    return fwd(request);
  }
  return forbidden();
}
