
// IPv4 s as a number, or -1: four decimal octets, no leading zeros; read by character code.
function v4(s) {
  var n = 0, o = 0, d = 0, dots = 0;
  for (var i = 0; i <= s.length; i++) {
    var k = i < s.length ? s.charCodeAt(i) - 48 : -2;
    if (k === -2) {
      if (!d || o > 255 || ++dots > 4) return -1;
      n = n * 256 + o;
      o = d = 0;
    } else if (k < 0 || k > 9 || (d && !o) || ++d > 3) return -1;
    else o = o * 10 + k;
  }
  return dots === 4 ? n : -1;
}

// IPv6 s as 32 lowercase hex digits, or '': groups of 1-4, one '::' at most, an IPv4 tail last.
function v6(s) {
  var g = [], gap = -1, i = 0, n = s.length;
  if (s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  }
  while (i < n) {
    var v = 0, j = i, k = 0, h = 0, c = 0;
    for (; j < n; j++, v = v * 16 + h) {
      k = s.charCodeAt(j);
      c = k | 32;
      h = k >= 48 && k <= 57 ? k - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (h < 0) break;
    }
    if (k === 46 && j < n) {
      var t = v4(s.slice(i));
      if (t < 0) return '';
      g.push(t >>> 16, t & 65535);
      break;
    }
    if (j === i || j - i > 4) return '';
    g.push(v);
    if (j === n) break;
    if (k !== 58) return '';
    if (s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return '';
      gap = g.length;
      i = j + 2;
    } else if ((i = j + 1) === n) return '';
  }
  if (gap < 0 ? g.length !== 8 : g.length > 7) return '';
  while (g.length < 8) g.splice(gap, 0, 0);
  var out = '';
  for (var m = 0; m < 8; m++) out += ('000' + g[m].toString(16)).slice(-4);
  return out;
}

// The viewer address: a number (IPv4, IPv4-mapped too), 32 hex digits (IPv6), or null.
function addr(ip) {
  if (typeof ip !== 'string') return null;
  var n = v4(ip);
  if (n >= 0) return n;
  var h = v6(ip);
  if (h === '') return null;
  return h.slice(0, 24) === '00000000000000000000ffff' ? parseInt(h.slice(24), 16) : h;
}

// Whether x lies in one of the inclusive intervals [t[0], t[1]], [t[2], t[3]], ...
function inT(t, x) {
  for (var i = 0; i < t.length; i += 2) {
    if (x >= t[i] && x <= t[i + 1]) return true;
  }
  return false;
}

// h's value if sent once, else null.
function one(h) {
  return h && typeof h.value === 'string' && !(h.multiValue && h.multiValue.length !== 1) ? h.value : null;
}

// r with XFH = its one Host, or none (ip_filter_core::forwarded_host).
function fwd(r) {
  var h = r.headers || (r.headers = {}), o = one(h.host);
  delete h[XFH];
  if (o) h[XFH] = { value: o };
  return r;
}

function forbidden() {
  return {
    statusCode: 403,
    statusDescription: TITLE,
    headers: {
      'content-type': { value: 'application/problem+json' },
      'cache-control': { value: 'no-store' }
    },
    body: { encoding: 'text', data: BODY }
  };
}
