//! The pure core of `body-hash`, the origin-request function in front of a Lambda Function URL.
//!
//! CloudFront OAC signs origin requests with SigV4, and Lambda refuses unsigned payloads: for a
//! request with a body, `x-amz-content-sha256` must hold the SHA-256 of the body before CloudFront
//! signs. [`hash_body`] decides, from the body CloudFront handed over and the request headers, either
//! the header edits to forward with or the response to generate instead. A body over CloudFront's
//! 1 MB cut goes on only with the viewer's own hash of the whole body ([`ViewerHash`]). It does no
//! I/O; the `lambda_runtime` binary and the N-API addon of the edge bundle both call it.
//!
//! ```
//! use cloudfront_event::{HeaderEdit, Headers, Outcome};
//! use body_hash_core::{hash_body, BodyInput, Config};
//!
//! let body = BodyInput::Present { data: b"aGVsbG8=", encoding: None, input_truncated: false };
//! let outcome = hash_body(&body, &Headers::default(), &Config::default());
//! let Outcome::Forward(edits) = outcome else { panic!() };
//! assert_eq!(edits[0], HeaderEdit::Set {
//!     name: "x-amz-content-sha256".into(),
//!     entries: vec![("x-amz-content-sha256".into(),
//!         "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824".into())],
//! });
//! ```

mod body_seen;
mod config;
mod digest;
mod viewer_hash;

pub use body_seen::body_seen;
pub use config::{Config, ConfigError};
pub use digest::{InvalidBase64, sha256_base64, sha256_hex};
pub use viewer_hash::{ViewerHash, is_sha256_hex};

use cloudfront_event::{
    CONTENT_SHA256, Decision, EMPTY_SHA256, HeaderEdit, HeaderLookup, Outcome, Reason, Request,
    Response,
};
use problem_details::Problem;

/// The most entries a header [`decide_body`] reads may have. A request's head is at most 20,480
/// bytes (CloudFront's quota) and no client repeats a header this often; a request that does is
/// refused on the count alone (400 `too-many-header-entries`), before any value is read, so the
/// N-API addon need never read more than this many entries of one header.
pub const MAX_ENTRIES_PER_HEADER: usize = 256;

/// Problem type slug of the answer to a request that declares a body CloudFront did not pass
/// (the origin-request association lacks IncludeBody): `urn:oac-kit:problem:include-body-disabled`.
pub const INCLUDE_BODY_DISABLED: &str = "include-body-disabled";

/// The body as CloudFront handed it over, borrowed from the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyInput<'a> {
    /// The event had no `body` member.
    Absent,
    /// The event's `body` member.
    Present {
        /// The bytes of `body.data` as UTF-8 (missing → empty). Bytes, not `&str`: an adapter that
        /// already knows the string is ASCII need not validate it again.
        data: &'a [u8],
        /// `body.encoding` (missing → `base64`, CloudFront's default).
        encoding: Option<&'a str>,
        /// `body.inputTruncated` (missing → false).
        input_truncated: bool,
    },
}

impl<'a> BodyInput<'a> {
    /// The body of a typed origin-request event, as [`hash_body`] reads it.
    pub fn of(request: &'a Request) -> Self {
        match &request.body {
            None => BodyInput::Absent,
            Some(body) => BodyInput::Present {
                data: body.data.as_deref().unwrap_or("").as_bytes(),
                encoding: body.encoding.as_deref(),
                input_truncated: body.input_truncated.unwrap_or(false),
            },
        }
    }
}

/// [`hash_body`] on a typed origin-request.
pub fn hash_request(request: &Request, config: &Config) -> Outcome {
    decide_request(request, config).outcome
}

/// Decides the fate of one origin request: [`decide_body`]'s outcome.
pub fn hash_body(body: &BodyInput<'_>, headers: &impl HeaderLookup, config: &Config) -> Outcome {
    decide_body(body, headers, config).outcome
}

/// [`decide_body`] on a typed origin-request: what the `lambda_runtime` adapter runs.
pub fn decide_request(request: &Request, config: &Config) -> Decision {
    decide_body(&BodyInput::of(request), &request.headers, config)
}

/// Decides the fate of one origin request, and why (the [`Reason`] an adapter logs). See the
/// crate docs.
///
/// - body present and complete → `x-amz-content-sha256` = SHA-256 of the exact body bytes
///   (base64-decoded, or the UTF-8 bytes of a `text` body); a viewer's [`ViewerHash::Claim`]
///   that differs → 400 (its sender has a bug a silent overwrite would hide), any other viewer
///   value is replaced;
/// - body truncated (over 1 MB) → forwarded unchanged if the viewer sent a [`ViewerHash::Claim`]
///   (Lambda checks the whole body against it), else 413 telling how to send one — never a hash
///   of the partial body;
/// - invalid base64 or an unknown encoding → 400 / 500;
/// - no body member while the request declares one → 500 (IncludeBody is off);
/// - no body member and no declared body → the empty-body hash;
/// - before all that, a header it reads with more than [`MAX_ENTRIES_PER_HEADER`] entries → 400,
///   judged on [`HeaderLookup::count`] alone.
pub fn decide_body(body: &BodyInput<'_>, headers: &impl HeaderLookup, config: &Config) -> Decision {
    let decided = |outcome, reason| Decision::new(outcome, reason).with_body(body_seen(body));
    let respond =
        |problem: Problem, reason| decided(Outcome::Respond(Response::problem(&problem)), reason);
    let over_limit = headers_read(body, config)
        .iter()
        .map(|&name| (name, headers.count(name)))
        .find(|&(_, count)| count > MAX_ENTRIES_PER_HEADER);
    if let Some((name, count)) = over_limit {
        return respond(too_many_entries(name, count), Reason::TooManyHeaderEntries);
    }
    let (digest, reason) = match *body {
        BodyInput::Present {
            input_truncated: true,
            ..
        } => {
            let viewer = ViewerHash::of(headers);
            return match viewer.why_unusable() {
                None => decided(
                    Outcome::Forward(authorization_edit(headers, config).into_iter().collect()),
                    Reason::ViewerHashTrusted,
                ),
                Some(why) => respond(body_truncated(&why), Reason::BodyTruncatedNoHash),
            };
        }
        BodyInput::Present { data, encoding, .. } => {
            let digest = match encoding.unwrap_or("base64") {
                "base64" => match sha256_base64(data) {
                    Ok(digest) => digest,
                    Err(e) => return respond(invalid_base64(&e), Reason::InvalidBodyEncoding),
                },
                "text" => sha256_hex(data),
                other => return respond(unknown_encoding(other), Reason::UnsupportedBodyEncoding),
            };
            if let ViewerHash::Claim(claimed) = ViewerHash::of(headers)
                && claimed != digest
            {
                return respond(hash_mismatch(&claimed, &digest), Reason::HashMismatch);
            }
            (digest, Reason::Hashed)
        }
        BodyInput::Absent => match declared_body(headers) {
            Ok(false) => (EMPTY_SHA256.to_owned(), Reason::NoBody),
            Ok(true) => return respond(include_body_off(), Reason::IncludeBodyDisabled),
            Err(problem) => return respond(problem, Reason::InvalidContentLength),
        },
    };
    let mut edits = Vec::with_capacity(2);
    edits.push(HeaderEdit::Set {
        name: CONTENT_SHA256.to_owned(),
        entries: vec![(CONTENT_SHA256.to_owned(), digest)],
    });
    edits.extend(authorization_edit(headers, config));
    decided(Outcome::Forward(edits), reason)
}

/// The edit that copies `Authorization`, when `config` asks for it.
fn authorization_edit(headers: &impl HeaderLookup, config: &Config) -> Option<HeaderEdit> {
    config
        .copy_authorization_to()
        .map(|target| copy_authorization(headers, target))
}

/// The request headers [`hash_body`] may look up for `body` under `config`. An adapter that
/// reads headers up front (the N-API addon reads them out of the JS event before the core runs)
/// reads exactly these; a test runs the core's scenarios through a recording lookup against it.
/// A body that is present needs the viewer's `x-amz-content-sha256` (and `authorization` when
/// it is copied).
pub fn headers_read(body: &BodyInput<'_>, config: &Config) -> &'static [&'static str] {
    match (body, config.copy_authorization_to()) {
        (BodyInput::Absent, None) => &["transfer-encoding", "content-length"],
        (BodyInput::Absent, Some(_)) => &["transfer-encoding", "content-length", "authorization"],
        (BodyInput::Present { .. }, None) => &[CONTENT_SHA256],
        (BodyInput::Present { .. }, Some(_)) => &[CONTENT_SHA256, "authorization"],
    }
}

/// Whether the headers say a body was sent: `content-length` > 0 or any `transfer-encoding`.
/// A `content-length` that is not one agreed non-negative integer is a bad request.
fn declared_body(headers: &impl HeaderLookup) -> Result<bool, Problem> {
    if headers.contains("transfer-encoding") {
        return Ok(true);
    }
    let mut declared: Option<u64> = None;
    for value in headers.values("content-length") {
        let parsed = value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|_| !value.trim().starts_with('+'));
        match (parsed, declared) {
            (None, _) => return Err(invalid_content_length(&value)),
            (Some(n), Some(prev)) if n != prev => return Err(invalid_content_length(&value)),
            (Some(n), _) => declared = Some(n),
        }
    }
    Ok(declared.unwrap_or(0) > 0)
}

/// The edit that carries the viewer's `Authorization` in `target` past OAC's `always` signing.
/// A viewer-sent `target` is always dropped, so its value can only come from `Authorization`.
fn copy_authorization(headers: &impl HeaderLookup, target: &str) -> HeaderEdit {
    let values = headers.values("authorization");
    if values.is_empty() {
        return HeaderEdit::Remove {
            name: target.to_owned(),
        };
    }
    HeaderEdit::Set {
        name: target.to_owned(),
        entries: values
            .into_iter()
            .map(|v| (target.to_owned(), v.into_owned()))
            .collect(),
    }
}

/// 413 for a body over CloudFront's 1 MB cut without a usable claim (`why` says what was sent).
fn body_truncated(why: &str) -> Problem {
    Problem::new("body-truncated", "Request body too large", 413).with_detail(format!(
        "CloudFront hands an origin-request function at most 1 MB of the body, so body-hash \
         cannot hash this one, and {why}. Compute the SHA-256 of the whole body, hex-encode it \
         (64 lowercase digits) and send it in the {CONTENT_SHA256} header: CloudFront's OAC \
         signs with it and Lambda checks the body against it."
    ))
}

/// 400 for a complete body whose viewer-sent hash is not its SHA-256.
fn hash_mismatch(claimed: &str, digest: &str) -> Problem {
    Problem::new(
        "content-sha256-mismatch",
        "x-amz-content-sha256 does not match the body",
        400,
    )
    .with_detail(format!(
        "{CONTENT_SHA256} is {claimed} but the SHA-256 of the body received is {digest}: send \
         the lowercase hex SHA-256 of the exact body bytes, or leave the header out."
    ))
}

fn invalid_base64(error: &InvalidBase64) -> Problem {
    Problem::new(
        "invalid-body-encoding",
        "Request body is not valid base64",
        400,
    )
    .with_detail(error.to_string())
}

fn unknown_encoding(encoding: &str) -> Problem {
    Problem::new(
        "unsupported-body-encoding",
        "Unsupported body encoding",
        500,
    )
    .with_detail(format!(
        "body.encoding is {encoding:?}; CloudFront sends \"base64\" or \"text\"."
    ))
}

fn include_body_off() -> Problem {
    Problem::new(
        INCLUDE_BODY_DISABLED,
        "Origin-request function configured without IncludeBody",
        500,
    )
    .with_detail(
        "The request declares a body (content-length or transfer-encoding) but CloudFront passed \
         none to the body-hash function: enable IncludeBody on its origin-request association.",
    )
}

/// 400 for a header sent more often than [`MAX_ENTRIES_PER_HEADER`] (the name is one of the
/// documented headers body-hash reads, never a secret).
fn too_many_entries(name: &str, count: usize) -> Problem {
    Problem::new(
        "too-many-header-entries",
        "A header is repeated too often",
        400,
    )
    .with_detail(format!(
        "{name} was sent {count} times; body-hash accepts at most {MAX_ENTRIES_PER_HEADER} \
         entries of one header."
    ))
}

fn invalid_content_length(value: &str) -> Problem {
    let shown: String = value.chars().take(40).collect();
    Problem::new("invalid-content-length", "Invalid Content-Length", 400).with_detail(format!(
        "content-length {shown:?} is not one non-negative integer"
    ))
}

#[cfg(test)]
mod decision_tests;
#[cfg(test)]
mod headers_read_tests;
#[cfg(test)]
mod repeated_tests;
#[cfg(test)]
mod request_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod viewer_hash_tests;
