
function handler(event) {
  var a = event.viewer ? addr(event.viewer.ip) : null;
  if (a !== null && inT(typeof a === 'number' ? V4 : V6, a)) return fwd(event.request);
  return forbidden();
}
