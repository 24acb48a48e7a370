// The canonical serial of what CloudFront presents (lowercase hex, no separators, no leading
// zeros, "0" for zero), or null when it is not a serial: the rule of Rust's
// origin_pull_ca::Serial::from_presented, held to it by the Node tests. Separators are ':' and
// ASCII space, tab, CR and LF; any other character refuses the serial.
function canonicalSerial(s) {
  if (typeof s !== 'string' || s.length > MAX_PRESENTED) return null;
  var d = s.replace(/[:\t\n\r ]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(d)) return null;
  d = d.toLowerCase().replace(/^0+/, '');
  if (d.length > MAX_DIGITS) return null;
  return d === '' ? '0' : d;
}

// Runs once per mTLS handshake, after CloudFront has verified the certificate against the
// trust store. Allows only a listed serial; everything else (no certificate info, a serial
// that is not hex, a store that cannot be read) is denied. Exactly one of allow/deny is called.
async function connectionHandler(connection) {
  var listed = false;
  try {
    var info = connection.clientCertInfo;
    var serial = info ? canonicalSerial(info.serialNumber) : null;
    if (serial !== null) listed = (await cf.kvs().exists(PREFIX + serial)) === true;
  } catch (e) {
    listed = false;
  }
  if (listed) return connection.allow();
  return connection.deny();
}
