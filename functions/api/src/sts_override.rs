//! `UNSAFE_STS_ENDPOINT_OVERRIDE`: the escape hatch that sends identity checks to a local STS
//! stand-in instead of AWS STS. Whoever answers at that endpoint decides every identity, and over
//! `http://` the bearer `X-Fluid-Identity` values travel in cleartext, so it is accepted only
//!
//! - **off AWS Lambda**: refused when any variable that the Lambda service itself sets (and a
//!   function's configuration cannot set or remove) is present — see [`LAMBDA_MARKERS`];
//! - for a **loopback** host: `127.0.0.0/8`, `::1` or `localhost`, judged on the URL as parsed by
//!   the `url` crate (the parser the STS client uses to send), so `http://127.0.0.1@evil.example`
//!   (userinfo) and `http://127.0.0.1.evil.example` (a domain) are refused.
//!
//! The emulated Runtime API of the local chain (`oac-dev`'s `runtime_api`) sets
//! `AWS_LAMBDA_RUNTIME_API` and `AWS_LAMBDA_FUNCTION_NAME` (the `lambda_runtime` crate needs
//! both) but none of the markers, so the local chain keeps its STS stand-in.

use std::net::IpAddr;

use url::{Host, Url};

/// The variable's name.
pub const VAR: &str = "UNSAFE_STS_ENDPOINT_OVERRIDE";

/// Reserved variables the Lambda service sets in every execution environment (`LAMBDA_TASK_ROOT`,
/// `LAMBDA_RUNTIME_DIR`, `AWS_LAMBDA_INITIALIZATION_TYPE`; `AWS_EXECUTION_ENV` on managed
/// runtimes). A function's configuration cannot set or remove them, so their presence means
/// "this is AWS Lambda" even if an operator tries to hide it.
pub const LAMBDA_MARKERS: [&str; 4] = [
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_EXECUTION_ENV",
];

/// Why an override is refused (the configuration error names the variable and the value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideRefused {
    /// A Lambda marker variable is set.
    #[error("refused on AWS Lambda ({0} is set): identities are checked with AWS STS there")]
    OnLambda(&'static str),
    /// Not parsable as an absolute URL.
    #[error("not a URL ({0})")]
    NotAUrl(url::ParseError),
    /// Neither `http` nor `https`.
    #[error("the scheme must be http or https")]
    Scheme,
    /// `user[:password]@` before the host.
    #[error("userinfo (user@) is not allowed")]
    Userinfo,
    /// A `?query` or `#fragment` (the verifier appends its own path and query).
    #[error("a base URL has no query or fragment")]
    QueryOrFragment,
    /// The host is not 127.0.0.0/8, ::1 or `localhost`.
    #[error("host {0:?} is not loopback (127.0.0.0/8, ::1 or localhost)")]
    NotLoopback(String),
}

/// Checks an override value; `is_set(name)` tells whether an environment variable is present.
/// Returns the URL as the `url` crate serializes it (what is sent is what was checked).
///
/// ```
/// use api::sts_override::{check, OverrideRefused};
/// let off_lambda = |_: &str| false;
/// assert_eq!(check("http://127.0.0.1:8080", off_lambda).unwrap(), "http://127.0.0.1:8080/");
/// assert!(matches!(check("http://sts.evil.example", off_lambda), Err(OverrideRefused::NotLoopback(_))));
/// assert!(matches!(check("http://127.0.0.1:8080", |v: &str| v == "LAMBDA_TASK_ROOT"), Err(OverrideRefused::OnLambda(_))));
/// ```
pub fn check(value: &str, is_set: impl Fn(&str) -> bool) -> Result<String, OverrideRefused> {
    if let Some(marker) = LAMBDA_MARKERS.into_iter().find(|name| is_set(name)) {
        return Err(OverrideRefused::OnLambda(marker));
    }
    let url = Url::parse(value).map_err(OverrideRefused::NotAUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(OverrideRefused::Scheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(OverrideRefused::Userinfo);
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(OverrideRefused::QueryOrFragment);
    }
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if !loopback {
        return Err(OverrideRefused::NotLoopback(
            url.host_str().unwrap_or_default().to_owned(),
        ));
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off_lambda(value: &str) -> Result<String, OverrideRefused> {
        check(value, |_| false)
    }

    #[test]
    fn loopback_stand_ins_are_accepted_off_lambda() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.9.8.7:1/",
            "http://[::1]:8080",
            "http://localhost:4566/sts",
            "https://LOCALHOST",
        ] {
            assert!(off_lambda(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn every_lambda_marker_refuses_the_override() {
        for marker in LAMBDA_MARKERS {
            assert_eq!(
                check("http://127.0.0.1:8080", |name| name == marker),
                Err(OverrideRefused::OnLambda(marker))
            );
        }
    }

    #[test]
    fn the_emulated_runtime_api_is_not_mistaken_for_lambda() {
        let emulator =
            |name: &str| ["AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME"].contains(&name);
        assert!(check("http://127.0.0.1:8080", emulator).is_ok());
    }

    #[test]
    fn a_remote_host_is_refused() {
        for url in [
            "http://sts.evil.example",
            "https://10.0.0.1",
            "http://[2001:db8::1]",
        ] {
            assert!(
                matches!(off_lambda(url), Err(OverrideRefused::NotLoopback(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn a_loopback_lookalike_domain_is_refused() {
        for url in [
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "http://localhost./",
        ] {
            assert!(
                matches!(off_lambda(url), Err(OverrideRefused::NotLoopback(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn an_ipv4_mapped_ipv6_host_is_refused() {
        assert!(matches!(
            off_lambda("http://[::ffff:127.0.0.1]"),
            Err(OverrideRefused::NotLoopback(_))
        ));
    }

    #[test]
    fn userinfo_is_refused() {
        for url in [
            "http://127.0.0.1@evil.example",
            "http://user:pw@127.0.0.1:8080",
        ] {
            assert_eq!(off_lambda(url), Err(OverrideRefused::Userinfo), "{url}");
        }
    }

    #[test]
    fn a_query_or_fragment_is_refused() {
        for url in ["http://127.0.0.1/?x=1", "http://127.0.0.1/#x"] {
            assert_eq!(
                off_lambda(url),
                Err(OverrideRefused::QueryOrFragment),
                "{url}"
            );
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        assert_eq!(off_lambda("ftp://127.0.0.1"), Err(OverrideRefused::Scheme));
    }

    #[test]
    fn text_that_is_not_a_url_is_refused() {
        assert!(matches!(
            off_lambda("127.0.0.1:8080"),
            Err(OverrideRefused::NotAUrl(_) | OverrideRefused::Scheme)
        ));
        assert!(matches!(
            off_lambda("http://"),
            Err(OverrideRefused::NotAUrl(_))
        ));
    }
}
