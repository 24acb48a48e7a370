//! Why the KVS-mode CloudFront Function refused a viewer, for the chain's log line: its 403 is
//! the same whatever the reason, so the chain names the reason itself from the request and the
//! store's secrets (never printing the header's value).

use cloudfront_event::Request;
use ip_filter_core::origin_secret::OriginSecrets;

/// What the origin secret header of a request amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretVerdict {
    /// The store has no valid secret (`origin-secrets` missing, malformed or unreadable).
    NoValidSecret,
    /// The header is not there.
    Missing,
    /// The header is there more than once.
    Repeated,
    /// The header does not hash to a valid secret.
    Wrong,
    /// The header carries a valid secret.
    Valid,
}

impl SecretVerdict {
    /// Judges the `header` of `request` against `secrets`.
    pub fn of(request: &Request, header: &str, secrets: Option<&OriginSecrets>) -> Self {
        let Some(secrets) = secrets else {
            return Self::NoValidSecret;
        };
        match request.headers.0.get(header).map(Vec::as_slice) {
            None | Some([]) => Self::Missing,
            Some([entry]) if secrets.admits(&entry.value) => Self::Valid,
            Some([_]) => Self::Wrong,
            Some(_) => Self::Repeated,
        }
    }

    /// The log's words for a refused viewer.
    pub fn refusal(self) -> &'static str {
        match self {
            Self::NoValidSecret => "viewer filter: no valid secret in the KeyValueStore",
            Self::Missing => "viewer filter: secret missing",
            Self::Repeated => "viewer filter: secret header repeated",
            Self::Wrong => "viewer filter: secret wrong",
            Self::Valid => "viewer filter: address refused",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudfront_event::HeaderEntry;
    use ip_filter_core::origin_secret::sha256_hex;

    const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
    const HEADER: &str = "x-origin-secret";

    fn request(values: &[&str]) -> Request {
        let mut r: Request = serde_json::from_str(
            r#"{"clientIp":"173.245.48.1","method":"GET","uri":"/","querystring":"","headers":{}}"#,
        )
        .unwrap();
        if !values.is_empty() {
            r.headers.0.insert(
                HEADER.into(),
                values
                    .iter()
                    .map(|v| HeaderEntry::new(HEADER, *v))
                    .collect(),
            );
        }
        r
    }

    fn secrets() -> OriginSecrets {
        OriginSecrets::from_hashes(&[sha256_hex(SECRET)]).unwrap()
    }

    #[test]
    fn no_header_is_missing() {
        assert_eq!(
            SecretVerdict::of(&request(&[]), HEADER, Some(&secrets())),
            SecretVerdict::Missing
        );
    }

    #[test]
    fn two_headers_are_repeated() {
        assert_eq!(
            SecretVerdict::of(&request(&[SECRET, SECRET]), HEADER, Some(&secrets())),
            SecretVerdict::Repeated
        );
    }

    #[test]
    fn another_value_is_wrong() {
        assert_eq!(
            SecretVerdict::of(&request(&["x"]), HEADER, Some(&secrets())),
            SecretVerdict::Wrong
        );
    }

    #[test]
    fn the_secret_is_valid() {
        assert_eq!(
            SecretVerdict::of(&request(&[SECRET]), HEADER, Some(&secrets())),
            SecretVerdict::Valid
        );
    }

    #[test]
    fn without_stored_secrets_nothing_is_valid() {
        assert_eq!(
            SecretVerdict::of(&request(&[SECRET]), HEADER, None),
            SecretVerdict::NoValidSecret
        );
    }
}
