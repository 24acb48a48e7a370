//! Why an `X-Fluid-Identity` value was not accepted, and how that becomes an RFC 9457 problem.
//!
//! Every variant has a stable kebab-case [`Rejection::reason`] that tests and clients match on. The
//! problem body carries that reason and a fixed sentence — never the header value, never STS's
//! message, never an upstream error string — so rejections do not leak internals.

use problem_details::Problem;

/// `Retry-After` for rejections where the verifier could not decide: a fetch slot, STS's
/// throttling window and most STS blips free up within about a second.
pub const RETRY_AFTER_SECS: u64 = 1;

/// A rejected identity. `Clone` because one verification outcome is shared by every concurrent
/// caller that presented the same header value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    // --- the header itself
    /// No `X-Fluid-Identity` header.
    #[error("the X-Fluid-Identity header is missing")]
    Missing,
    /// More than one `X-Fluid-Identity` header.
    #[error("more than one X-Fluid-Identity header")]
    MultipleValues,
    /// The value is longer than the configured cap (4 KiB by default).
    #[error("the header value is too long")]
    TooLong,
    /// Control characters, spaces or non-ASCII bytes in the value.
    #[error("the header value contains control, space or non-ASCII characters")]
    InvalidCharacter,

    // --- URL shape
    /// Not of the form `https://host/...`.
    #[error("the value is not an absolute https URL")]
    NotHttps,
    /// `user@host` in the authority.
    #[error("the URL carries userinfo")]
    Userinfo,
    /// A port other than 443.
    #[error("the URL names a port other than 443")]
    Port,
    /// A `#fragment`.
    #[error("the URL carries a fragment")]
    Fragment,
    /// Path other than exactly `/`.
    #[error("the URL path is not /")]
    PathNotRoot,
    /// `%` anywhere in the host.
    #[error("the URL host is percent-encoded")]
    PercentEncodedHost,
    /// An IPv4 or IPv6 literal host.
    #[error("the URL host is an IP literal")]
    IpLiteral,
    /// A host ending in `.`.
    #[error("the URL host has a trailing dot")]
    TrailingDot,
    /// A host that is not on the STS allowlist.
    #[error("the URL host is not an allowed STS endpoint")]
    HostNotAllowed,

    // --- query
    /// Bad percent-encoding, a character outside the AWS-unreserved set, or an empty/`=`-less pair.
    #[error("the URL query is malformed")]
    MalformedQuery,
    /// A parameter name that is not one of the expected ones (names are case-sensitive).
    #[error("the URL query has an unexpected parameter")]
    UnknownParameter,
    /// A parameter that appears twice, names compared case-insensitively.
    #[error("the URL query repeats a parameter")]
    DuplicateParameter,
    /// A required parameter is absent.
    #[error("the URL query lacks a required parameter")]
    MissingParameter,
    /// `Action` is not `GetCallerIdentity`.
    #[error("the URL action is not GetCallerIdentity")]
    WrongAction,
    /// `Version` is not `2011-06-15`.
    #[error("the URL version is not 2011-06-15")]
    WrongVersion,
    /// `X-Amz-Algorithm` is not `AWS4-HMAC-SHA256`.
    #[error("the URL signing algorithm is not AWS4-HMAC-SHA256")]
    WrongAlgorithm,
    /// `X-Amz-Credential` is not `AKID/date/region/sts/aws4_request` consistent with the host and date.
    #[error("the URL credential scope is not valid for STS at this host")]
    BadCredentialScope,
    /// `X-Amz-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("the URL signing date is malformed")]
    BadDate,
    /// `X-Amz-Expires` is not a positive integer.
    #[error("the URL expiry is malformed")]
    BadExpires,
    /// `X-Amz-Expires` exceeds the configured maximum.
    #[error("the URL expiry exceeds the allowed maximum")]
    ExpiryTooLong,
    /// `X-Amz-Date + X-Amz-Expires` has passed.
    #[error("the identity has expired")]
    Expired,
    /// `X-Amz-Date` is in the future beyond the allowed clock skew.
    #[error("the URL signing date is in the future")]
    DateInFuture,
    /// `x-fluid-audience` is not among `X-Amz-SignedHeaders`.
    #[error("the audience header is not signed")]
    AudienceNotSigned,
    /// A signed header other than `host` and `x-fluid-audience` (the verifier could not send it).
    #[error("the URL signs a header the verifier does not send")]
    UnexpectedSignedHeader,
    /// `X-Amz-Signature` is not 64 lowercase hex digits.
    #[error("the URL signature is malformed")]
    BadSignature,

    // --- the STS call
    /// STS answered non-200; `code` is STS's error code when it sent a recognizable one.
    #[error("STS rejected the identity")]
    StsRejected {
        /// HTTP status from STS.
        status: u16,
        /// The STS error code (`SignatureDoesNotMatch`, `AccessDenied`, …), sanitized.
        code: Option<String>,
    },
    /// STS throttled the call.
    #[error("STS throttled the verification")]
    StsThrottled,
    /// Timeout, connection failure or TLS failure talking to STS.
    #[error("STS could not be reached")]
    StsUnavailable,
    /// Too many verifications in flight; the fetch slot wait timed out.
    #[error("too many identity verifications in flight")]
    Busy,
    /// The STS answer exceeded the response size cap.
    #[error("the STS answer is too large")]
    ResponseTooLarge,
    /// The STS answer was not a strictly well-formed GetCallerIdentity response.
    #[error("the STS answer is malformed")]
    MalformedResponse,
    /// The ARN's account differs from `Account` in the STS answer.
    #[error("the STS answer's ARN and account disagree")]
    AccountMismatch,
    /// An ARN shape or partition this verifier does not recognize, or a partition different from
    /// the endpoint's.
    #[error("the caller's principal type is not supported")]
    UnsupportedPrincipal,

    // --- authorization
    /// A genuine identity that no allowlist entry admits.
    #[error("the caller is not allowed")]
    NotAllowed,
}

impl Rejection {
    /// Stable kebab-case reason code.
    pub fn reason(&self) -> &'static str {
        use Rejection::*;
        match self {
            Missing => "missing",
            MultipleValues => "multiple-values",
            TooLong => "too-long",
            InvalidCharacter => "invalid-character",
            NotHttps => "not-https",
            Userinfo => "userinfo",
            Port => "port",
            Fragment => "fragment",
            PathNotRoot => "path-not-root",
            PercentEncodedHost => "percent-encoded-host",
            IpLiteral => "ip-literal",
            TrailingDot => "trailing-dot",
            HostNotAllowed => "host-not-allowed",
            MalformedQuery => "malformed-query",
            UnknownParameter => "unknown-parameter",
            DuplicateParameter => "duplicate-parameter",
            MissingParameter => "missing-parameter",
            WrongAction => "wrong-action",
            WrongVersion => "wrong-version",
            WrongAlgorithm => "wrong-algorithm",
            BadCredentialScope => "bad-credential-scope",
            BadDate => "bad-date",
            BadExpires => "bad-expires",
            ExpiryTooLong => "expiry-too-long",
            Expired => "expired",
            DateInFuture => "date-in-future",
            AudienceNotSigned => "audience-not-signed",
            UnexpectedSignedHeader => "unexpected-signed-header",
            BadSignature => "bad-signature",
            StsRejected { .. } => "sts-rejected",
            StsThrottled => "sts-throttled",
            StsUnavailable => "sts-unavailable",
            Busy => "busy",
            ResponseTooLarge => "response-too-large",
            MalformedResponse => "malformed-response",
            AccountMismatch => "account-mismatch",
            UnsupportedPrincipal => "unsupported-principal",
            NotAllowed => "not-allowed",
        }
    }

    /// Whether this is a final verdict on the value from STS's answer (or the admission check):
    /// STS refusing it with a 4xx (`SignatureDoesNotMatch`, `InvalidClientTokenId`,
    /// `ExpiredToken`, …), a principal this verifier refuses, or one not admitted. Asking again
    /// gives the same answer, so the verifier may remember it briefly. Transient outcomes — STS
    /// unreachable, 5xx, throttling, no free fetch slot, an oversized or malformed answer (trouble
    /// on the path to STS, not in the value) — are not final.
    pub(crate) fn is_final_verdict(&self) -> bool {
        match self {
            Rejection::StsRejected { status, .. } => (400..=499).contains(status),
            Rejection::AccountMismatch
            | Rejection::UnsupportedPrincipal
            | Rejection::NotAllowed => true,
            _ => false,
        }
    }

    /// Seconds a client should wait before retrying (`Retry-After`), for the 503 rejections only:
    /// the verifier could not decide now, the value may well be good.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Rejection::StsThrottled | Rejection::StsUnavailable | Rejection::Busy => {
                Some(RETRY_AFTER_SECS)
            }
            _ => None,
        }
    }

    /// HTTP status: 401 for a missing or invalid identity, 403 for a valid one that is not allowed,
    /// 503 when the verifier itself could not decide (STS unreachable, 5xx or throttling, no free
    /// fetch slot). Throttling is 503, not 429: STS limits the verifier's calls, which says nothing
    /// about how fast this client called the service.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::NotAllowed => 403,
            Rejection::StsThrottled | Rejection::StsUnavailable | Rejection::Busy => 503,
            _ => 401,
        }
    }

    /// The RFC 9457 body: type `identity-missing`, `identity-invalid`, `identity-forbidden` or
    /// `identity-unavailable`; detail `"<reason>: <sentence>"` (plus the STS error code, if any).
    ///
    /// ```
    /// use fluid_identity::Rejection;
    /// let p = Rejection::HostNotAllowed.to_problem();
    /// assert_eq!(p.status(), 401);
    /// assert_eq!(p.slug(), Some("identity-invalid"));
    /// assert!(p.detail().unwrap().starts_with("host-not-allowed:"));
    /// ```
    pub fn to_problem(&self) -> Problem {
        let (slug, title) = match self {
            Rejection::Missing => ("identity-missing", "Identity required"),
            Rejection::NotAllowed => ("identity-forbidden", "Identity not allowed"),
            Rejection::StsThrottled | Rejection::StsUnavailable | Rejection::Busy => {
                ("identity-unavailable", "Identity could not be verified now")
            }
            _ => ("identity-invalid", "Invalid identity"),
        };
        let detail = match self {
            Rejection::StsRejected {
                status,
                code: Some(code),
            } => format!("{}: {self} ({status} {code})", self.reason()),
            Rejection::StsRejected { status, code: None } => {
                format!("{}: {self} ({status})", self.reason())
            }
            _ => format!("{}: {self}", self.reason()),
        };
        Problem::new(slug, title, self.status()).with_detail(detail)
    }
}

/// A configuration mistake (bad region, bad allowlist pattern, …), reported at startup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid identity configuration: {0}")]
pub struct ConfigError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sts_error_code_is_in_the_detail_but_nothing_else_from_sts() {
        let p = Rejection::StsRejected {
            status: 403,
            code: Some("SignatureDoesNotMatch".into()),
        }
        .to_problem();
        assert_eq!(p.status(), 401);
        assert_eq!(
            p.detail(),
            Some("sts-rejected: STS rejected the identity (403 SignatureDoesNotMatch)")
        );
    }

    #[test]
    fn not_allowed_is_403_and_overload_is_503() {
        assert_eq!(Rejection::NotAllowed.to_problem().status(), 403);
        assert_eq!(
            Rejection::Busy.to_problem().slug(),
            Some("identity-unavailable")
        );
        assert_eq!(
            Rejection::Missing.to_problem().slug(),
            Some("identity-missing")
        );
    }
}
