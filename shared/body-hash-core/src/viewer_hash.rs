//! The `x-amz-content-sha256` the viewer sent: a claim about the whole body, or not one.
//!
//! AWS's way past CloudFront's 1 MB cut: the caller computes SHA-256 of the whole body and sends
//! it in `x-amz-content-sha256`; OAC signs with it and Lambda checks the body against it. Only one
//! well-formed value is such a claim — anything else cannot be forwarded, since Lambda would
//! refuse it (`UNSIGNED-PAYLOAD`, a digest in uppercase) or sign with an arbitrary one of two.

use std::borrow::Cow;

use cloudfront_event::{CONTENT_SHA256, HeaderLookup};

/// What the viewer's `x-amz-content-sha256` says about the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewerHash<'h> {
    /// The header was not sent.
    Absent,
    /// Exactly one value, 64 lowercase hex digits: the SHA-256 the viewer claims for the body.
    Claim(Cow<'h, str>),
    /// The header was sent this many times (more than once).
    Repeated(usize),
    /// One value that is not 64 lowercase hex digits (`UNSIGNED-PAYLOAD`, uppercase, short).
    Malformed(Cow<'h, str>),
}

impl<'h> ViewerHash<'h> {
    /// Reads the viewer's `x-amz-content-sha256` from `headers`.
    ///
    /// ```
    /// use body_hash_core::ViewerHash;
    /// use cloudfront_event::{HeaderEntry, Headers};
    ///
    /// let mut headers = Headers::default();
    /// headers.0.insert("x-amz-content-sha256".into(),
    ///     vec![HeaderEntry::new("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")]);
    /// assert!(matches!(ViewerHash::of(&headers), ViewerHash::Malformed(_)));
    /// ```
    pub fn of(headers: &'h impl HeaderLookup) -> Self {
        // The count first: a repeated header is judged without reading its values.
        match headers.count(CONTENT_SHA256) {
            0 => ViewerHash::Absent,
            1 => match headers.values(CONTENT_SHA256).into_iter().next() {
                Some(value) if is_sha256_hex(&value) => ViewerHash::Claim(value),
                Some(value) => ViewerHash::Malformed(value),
                // A lookup whose count and values disagree has read nothing usable.
                None => ViewerHash::Absent,
            },
            n => ViewerHash::Repeated(n),
        }
    }

    /// Why this is not a usable claim, for a problem's detail (`None` for a claim).
    pub fn why_unusable(&self) -> Option<String> {
        match self {
            ViewerHash::Claim(_) => None,
            ViewerHash::Absent => Some(format!("no {CONTENT_SHA256} header was sent")),
            ViewerHash::Repeated(n) => Some(format!("{CONTENT_SHA256} was sent {n} times")),
            ViewerHash::Malformed(value) => {
                let shown: String = value.chars().take(80).collect();
                Some(format!(
                    "{CONTENT_SHA256} {shown:?} is not 64 lowercase hex digits"
                ))
            }
        }
    }
}

/// Whether `value` is a SHA-256 as SigV4 writes it: exactly 64 lowercase hex digits.
pub fn is_sha256_hex(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
