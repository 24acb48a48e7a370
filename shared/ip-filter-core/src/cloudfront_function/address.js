
function v4(s) {
  var p = s.split('.');
  if (p.length !== 4) return -1;
  var n = 0;
  for (var i = 0; i < 4; i++) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p[i]) || +p[i] > 255) return -1;
    n = n * 256 + +p[i];
  }
  return n;
}

function hex4(n) {
  return ('000' + n.toString(16)).slice(-4);
}

// Appends the groups of s (4 lowercase hex digits each) to out; an IPv4 tail only if last.
function groups(s, out, last) {
  if (s === '') return true;
  var p = s.split(':');
  for (var i = 0; i < p.length; i++) {
    if (last && i === p.length - 1 && p[i].indexOf('.') >= 0) {
      var n = v4(p[i]);
      if (n < 0) return false;
      out.push(hex4(Math.floor(n / 65536)), hex4(n % 65536));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(p[i])) {
      out.push(('000' + p[i].toLowerCase()).slice(-4));
    } else {
      return false;
    }
  }
  return true;
}

// The address as 32 lowercase hex digits, or '' when s is not an IPv6 address.
function v6(s) {
  var d = s.indexOf('::');
  var head = [];
  var tail = [];
  if (d < 0) {
    if (!groups(s, head, true) || head.length !== 8) return '';
  } else {
    // A second '::' leaves an empty group in the tail, which groups() refuses.
    if (!groups(s.slice(0, d), head, false) || !groups(s.slice(d + 2), tail, true)) return '';
    if (head.length + tail.length > 7) return '';
    while (head.length + tail.length < 8) head.push('0000');
  }
  return head.concat(tail).join('');
}

// The viewer address as a number (IPv4; an IPv4-mapped IPv6 address too), as 32 hex digits
// (IPv6), or null when ip is not exactly an address.
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
