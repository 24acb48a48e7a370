//! Strict parsing of STS `GetCallerIdentity` answers (JSON and XML).
//!
//! Vault's CVE-2020-16250 rode on a lenient parser that found a fake answer buried in another
//! document. Here the document must be exactly the expected shape: no duplicate keys or elements,
//! no unknown members, nothing before or after the root, no DTDs, entities or CDATA.
//!
//! One module per format (`json`, `xml`); what both share, and error codes, live here.

mod json;
mod xml;

pub use json::parse_json;
pub use xml::parse_xml;

/// The three facts STS vouches for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CallerIdentity {
    /// The caller's ARN as STS reports it (for assumed roles, including the session name).
    pub arn: String,
    /// The 12-digit account ID.
    pub account: String,
    /// The unique ID (`AROA…:session`, `AIDA…`, account ID for root).
    pub user_id: String,
}

/// The answer was not a well-formed GetCallerIdentity response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed GetCallerIdentity response: {0}")]
pub struct MalformedResponse(pub &'static str);

/// Parses a 200 answer, choosing the format from `Content-Type` (`application/json`, or
/// `text/xml`/`application/xml`). Any other content type is rejected.
pub fn parse_caller_identity(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<CallerIdentity, MalformedResponse> {
    let media = content_type
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    match media.as_str() {
        "application/json" => parse_json(body),
        "text/xml" | "application/xml" => parse_xml(body),
        _ => Err(MalformedResponse("unexpected content type")),
    }
}

/// Extracts STS's error code from a non-200 answer (`{"Error":{"Code":…}}` or
/// `<ErrorResponse><Error><Code>…</Code>`), sanitized to `[A-Za-z0-9.]{1,64}`.
pub fn parse_error_code(body: &[u8]) -> Option<String> {
    let code = if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        v.get("Error")?.get("Code")?.as_str()?.to_owned()
    } else {
        let text = std::str::from_utf8(body).ok()?;
        let start = text.find("<Code>")? + "<Code>".len();
        let len = text[start..].find("</Code>")?;
        text[start..start + len].to_owned()
    };
    let ok = !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
    ok.then_some(code)
}

/// The checks both formats share: printable ARN and user ID, a 12-digit account.
pub(crate) fn identity(
    arn: String,
    account: String,
    user_id: String,
) -> Result<CallerIdentity, MalformedResponse> {
    let printable =
        |s: &str| !s.is_empty() && s.len() <= 2048 && s.bytes().all(|b| b.is_ascii_graphic());
    if !printable(&arn) || !printable(&user_id) {
        return Err(MalformedResponse("empty or non-printable member"));
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MalformedResponse("account is not 12 digits"));
    }
    Ok(CallerIdentity {
        arn,
        account,
        user_id,
    })
}

#[cfg(test)]
mod fixtures {
    //! The documented answers, shared by the tests of both formats.
    use super::CallerIdentity;

    pub const JSON_OK: &str = r#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:sts::111122223333:assumed-role/deployer/ci-run","UserId":"AROAEXAMPLE:ci-run"},"ResponseMetadata":{"RequestId":"0a1b"}}}"#;
    pub const XML_OK: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/deployer/ci-run</Arn>
    <UserId>AROAEXAMPLE:ci-run</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>0a1b</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
"#;

    pub fn expected() -> CallerIdentity {
        CallerIdentity {
            arn: "arn:aws:sts::111122223333:assumed-role/deployer/ci-run".into(),
            account: "111122223333".into(),
            user_id: "AROAEXAMPLE:ci-run".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn unknown_content_type_is_rejected() {
        assert!(parse_caller_identity(Some("text/html"), JSON_OK.as_bytes()).is_err());
        assert!(parse_caller_identity(None, JSON_OK.as_bytes()).is_err());
    }

    #[test]
    fn account_must_be_twelve_digits() {
        let bad = JSON_OK.replace(r#""Account":"111122223333""#, r#""Account":"1111""#);
        assert_eq!(
            parse_json(bad.as_bytes()),
            Err(MalformedResponse("account is not 12 digits"))
        );
    }

    #[test]
    fn error_codes_are_read_from_json_and_xml_and_sanitized() {
        let json = br#"{"Error":{"Code":"SignatureDoesNotMatch","Message":"m","Type":"Sender"},"RequestId":"r"}"#;
        assert_eq!(
            parse_error_code(json).as_deref(),
            Some("SignatureDoesNotMatch")
        );
        let xml = b"<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>m</Message></Error></ErrorResponse>";
        assert_eq!(parse_error_code(xml).as_deref(), Some("ExpiredToken"));
        let evil = br#"{"Error":{"Code":"<script>"}}"#;
        assert_eq!(parse_error_code(evil), None);
    }
}
