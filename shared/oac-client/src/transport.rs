//! Where a request may go in the clear: the one home of the plain-`http` rule.
//!
//! Every request carries `X-Fluid-Identity` (a bearer credential until it expires) and often a
//! viewer filter's origin secret. Over `http://` anyone on the path reads both, so plain `http`
//! is refused unless the host is this machine's loopback:
//!
//! - `localhost` (any case, no trailing dot: `localhost.example.com` is a public name),
//! - an IPv4 address in `127.0.0.0/8` (as the URL parser reads it: `127.1` is `127.0.0.1`),
//! - the IPv6 address `::1`.
//!
//! Not `0.0.0.0`, `[::]`, `[::ffff:127.0.0.1]`, nor a name that merely starts with `127.` or
//! `localhost` (`127.0.0.1.nip.io` resolves wherever its owner likes). `https://` may go anywhere:
//! TLS authenticates the host, whatever it resolves to. Python's and Node.js's snippets under
//! `clients/` repeat this rule; `fixtures/clients/plain-http-cases.json` holds the cases all three
//! are tested against.

use std::net::Ipv6Addr;

use url::Host;

use crate::error::Error;

/// Whether `host` is this machine's loopback: `localhost`, `127.0.0.0/8` or `::1`.
///
/// ```
/// use url::Url;
/// let host = |u: &str| Url::parse(u).unwrap().host().unwrap().to_owned();
/// assert!(oac_client::is_loopback(&host("http://127.0.0.1:8080/")));
/// assert!(oac_client::is_loopback(&host("http://[::1]/")));
/// assert!(!oac_client::is_loopback(&host("http://0.0.0.0/")));
/// assert!(!oac_client::is_loopback(&host("http://localhost.example.com/")));
/// ```
pub fn is_loopback(host: &Host<String>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(address) => address.is_loopback(),
        Host::Ipv6(address) => *address == Ipv6Addr::LOCALHOST,
    }
}

/// Refuses `url` unless it is `https://`, or `http://` to a loopback host ([`is_loopback`]).
pub(crate) fn check_transport(url: &url::Url) -> Result<(), Error> {
    match url.scheme() {
        "https" => Ok(()),
        "http" => match url.host() {
            Some(host) if is_loopback(&host.to_owned()) => Ok(()),
            host => Err(Error::PlainHttp {
                host: host.map(|h| h.to_string()).unwrap_or_default(),
            }),
        },
        other => Err(Error::Invalid(format!(
            "URL scheme {other:?}: only https (or http to loopback)"
        ))),
    }
}
