//! Strict parsing of STS `GetCallerIdentity` answers (JSON and XML).
//!
//! Vault's CVE-2020-16250 rode on a lenient parser that found a fake answer buried in another
//! document. Here the document must be exactly the expected shape: no duplicate keys or elements,
//! no unknown members, nothing before or after the root, no DTDs, entities or CDATA.

use std::collections::BTreeMap;

use quick_xml::events::Event;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

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

/// Parses `{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account","Arn","UserId"},"ResponseMetadata":{"RequestId"}}}`.
///
/// ```
/// let body = br#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:iam::111122223333:user/alice","UserId":"AIDAEXAMPLE"},"ResponseMetadata":{"RequestId":"r"}}}"#;
/// let id = fluid_identity::response::parse_json(body).unwrap();
/// assert_eq!(id.account, "111122223333");
/// let dup = br#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"1","Account":"2","Arn":"a","UserId":"u"}}}"#;
/// assert!(fluid_identity::response::parse_json(dup).is_err());
/// ```
pub fn parse_json(body: &[u8]) -> Result<CallerIdentity, MalformedResponse> {
    // serde_json rejects anything but whitespace after the document.
    let StrictJson(doc) =
        serde_json::from_slice(body).map_err(|_| MalformedResponse("not strict JSON"))?;
    let root = object_with(&doc, &["GetCallerIdentityResponse"], &[])?;
    let response = object_with(
        &root["GetCallerIdentityResponse"],
        &["GetCallerIdentityResult"],
        &["ResponseMetadata"],
    )?;
    if let Some(meta) = response.get("ResponseMetadata") {
        object_with(meta, &[], &["RequestId"])?;
    }
    let result = object_with(
        &response["GetCallerIdentityResult"],
        &["Account", "Arn", "UserId"],
        &[],
    )?;
    let text = |k: &str| match &result[k] {
        StrictValue::String(s) => Ok(s.clone()),
        _ => Err(MalformedResponse("member is not a string")),
    };
    identity(text("Arn")?, text("Account")?, text("UserId")?)
}

/// Parses `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">…`.
///
/// ```
/// let body = br#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:root</Arn><UserId>111122223333</UserId><Account>111122223333</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"#;
/// assert!(fluid_identity::response::parse_xml(body).is_ok());
/// ```
pub fn parse_xml(body: &[u8]) -> Result<CallerIdentity, MalformedResponse> {
    const NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
    let text = std::str::from_utf8(body).map_err(|_| MalformedResponse("not UTF-8"))?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new(); // "parent/child" paths already opened
    let mut fields: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut root_closed = false;
    let mut started = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|_| MalformedResponse("not well-formed XML"))?;
        match event {
            Event::Decl(_) if !started => {}
            Event::Start(e) => {
                if root_closed {
                    return Err(MalformedResponse("content after the root element"));
                }
                started = true;
                let name = std::str::from_utf8(e.name().as_ref())
                    .map_err(|_| MalformedResponse("bad element name"))?
                    .to_owned();
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let allowed = matches!(
                    (parent, name.as_str()),
                    ("", "GetCallerIdentityResponse")
                        | ("GetCallerIdentityResponse", "GetCallerIdentityResult")
                        | ("GetCallerIdentityResponse", "ResponseMetadata")
                        | ("GetCallerIdentityResult", "Arn" | "UserId" | "Account")
                        | ("ResponseMetadata", "RequestId")
                );
                if !allowed {
                    return Err(MalformedResponse("unexpected element"));
                }
                let path = format!("{}/{name}", stack.join("/"));
                if seen.contains(&path) {
                    return Err(MalformedResponse("duplicate element"));
                }
                seen.push(path);
                for attr in e.attributes() {
                    let attr = attr.map_err(|_| MalformedResponse("bad attribute"))?;
                    let ok = stack.is_empty()
                        && attr.key.as_ref() == b"xmlns"
                        && attr.value.as_ref() == NS.as_bytes();
                    if !ok {
                        return Err(MalformedResponse("unexpected attribute"));
                    }
                }
                stack.push(name);
            }
            Event::End(_) => {
                stack.pop();
                if stack.is_empty() {
                    root_closed = true;
                }
            }
            Event::Text(t) => {
                let leaf = stack.last().map(String::as_str).unwrap_or("");
                let key = match (stack.len(), leaf) {
                    (3, "Arn") if stack[1] == "GetCallerIdentityResult" => "Arn",
                    (3, "UserId") if stack[1] == "GetCallerIdentityResult" => "UserId",
                    (3, "Account") if stack[1] == "GetCallerIdentityResult" => "Account",
                    (3, "RequestId") => "RequestId",
                    _ => return Err(MalformedResponse("text outside a leaf element")),
                };
                let value = t
                    .decode()
                    .map_err(|_| MalformedResponse("bad text"))?
                    .into_owned();
                if fields.insert(key, value).is_some() {
                    return Err(MalformedResponse("split text"));
                }
            }
            Event::Eof => break,
            // Empty elements, comments, CDATA, DOCTYPE, processing instructions and entity
            // references have no place in a GetCallerIdentity answer.
            _ => return Err(MalformedResponse("unexpected XML construct")),
        }
    }
    if !root_closed {
        return Err(MalformedResponse("no root element"));
    }
    let mut take = |k| fields.remove(k).ok_or(MalformedResponse("missing member"));
    let (arn, user_id, account) = (take("Arn")?, take("UserId")?, take("Account")?);
    identity(arn, account, user_id)
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

fn identity(
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

/// The object's members, requiring all of `required`, allowing `optional`, and nothing else.
fn object_with<'a>(
    v: &'a StrictValue,
    required: &[&str],
    optional: &[&str],
) -> Result<&'a BTreeMap<String, StrictValue>, MalformedResponse> {
    let StrictValue::Object(map) = v else {
        return Err(MalformedResponse("expected an object"));
    };
    if !required.iter().all(|k| map.contains_key(*k)) {
        return Err(MalformedResponse("missing member"));
    }
    if !map
        .keys()
        .all(|k| required.contains(&k.as_str()) || optional.contains(&k.as_str()))
    {
        return Err(MalformedResponse("unexpected member"));
    }
    Ok(map)
}

/// A JSON value whose objects were checked for duplicate keys while parsing (serde_json's own
/// `Value` silently keeps the last one).
enum StrictValue {
    Null,
    Bool,
    Number,
    String(String),
    Array,
    Object(BTreeMap<String, StrictValue>),
}

struct StrictJson(StrictValue);

impl<'de> Deserialize<'de> for StrictJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictJson)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value without duplicate keys")
    }
    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<StrictValue, E> {
        Ok(StrictValue::Bool)
    }
    fn visit_i64<E>(self, _: i64) -> Result<StrictValue, E> {
        Ok(StrictValue::Number)
    }
    fn visit_u64<E>(self, _: u64) -> Result<StrictValue, E> {
        Ok(StrictValue::Number)
    }
    fn visit_f64<E>(self, _: f64) -> Result<StrictValue, E> {
        Ok(StrictValue::Number)
    }
    fn visit_str<E>(self, s: &str) -> Result<StrictValue, E> {
        Ok(StrictValue::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<StrictValue, E> {
        Ok(StrictValue::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        while seq.next_element::<StrictJson>()?.is_some() {}
        Ok(StrictValue::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictJson(value) = map.next_value()?;
            if out.insert(key, value).is_some() {
                return Err(serde::de::Error::custom("duplicate key"));
            }
        }
        Ok(StrictValue::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON_OK: &str = r#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:sts::111122223333:assumed-role/deployer/ci-run","UserId":"AROAEXAMPLE:ci-run"},"ResponseMetadata":{"RequestId":"0a1b"}}}"#;
    const XML_OK: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
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

    fn expected() -> CallerIdentity {
        CallerIdentity {
            arn: "arn:aws:sts::111122223333:assumed-role/deployer/ci-run".into(),
            account: "111122223333".into(),
            user_id: "AROAEXAMPLE:ci-run".into(),
        }
    }

    #[test]
    fn parses_the_documented_json_answer() {
        assert_eq!(parse_json(JSON_OK.as_bytes()), Ok(expected()));
        assert_eq!(
            parse_caller_identity(Some("application/json; charset=utf-8"), JSON_OK.as_bytes()),
            Ok(expected())
        );
    }

    #[test]
    fn parses_the_documented_xml_answer() {
        assert_eq!(parse_xml(XML_OK.as_bytes()), Ok(expected()));
        assert_eq!(
            parse_caller_identity(Some("text/xml"), XML_OK.as_bytes()),
            Ok(expected())
        );
    }

    #[test]
    fn json_duplicate_keys_are_rejected_at_every_level() {
        let dup_arn = JSON_OK.replace(
            r#""Arn":"#,
            r#""Arn":"arn:aws:iam::111122223333:root","Arn":"#,
        );
        assert!(parse_json(dup_arn.as_bytes()).is_err());
        let dup_result = JSON_OK.replacen(
            r#""GetCallerIdentityResult":"#,
            r#""GetCallerIdentityResult":{},"GetCallerIdentityResult":"#,
            1,
        );
        assert!(parse_json(dup_result.as_bytes()).is_err());
    }

    #[test]
    fn json_junk_around_the_document_is_rejected() {
        assert!(parse_json(format!("{JSON_OK}{{}}").as_bytes()).is_err());
        assert!(parse_json(format!("x{JSON_OK}").as_bytes()).is_err());
        assert!(parse_json(format!("{JSON_OK} \n").as_bytes()).is_ok());
    }

    #[test]
    fn json_unknown_members_and_wrong_types_are_rejected() {
        let extra = JSON_OK.replace(r#""UserId":"#, r#""Injected":"x","UserId":"#);
        assert!(parse_json(extra.as_bytes()).is_err());
        let number = JSON_OK.replace(r#""111122223333","Arn""#, r#"111122223333,"Arn""#);
        assert!(parse_json(number.as_bytes()).is_err());
        let wrapped = format!(r#"{{"Other":1,{}"#, &JSON_OK[1..]);
        assert!(parse_json(wrapped.as_bytes()).is_err());
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
    fn xml_duplicate_elements_are_rejected() {
        let dup = XML_OK.replace("<Account>", "<Account>999988887777</Account><Account>");
        assert_eq!(
            parse_xml(dup.as_bytes()),
            Err(MalformedResponse("duplicate element"))
        );
    }

    #[test]
    fn xml_answer_buried_in_another_document_is_rejected() {
        let buried = format!("<ListUsersResponse><Junk>{XML_OK}</Junk></ListUsersResponse>");
        assert!(parse_xml(buried.as_bytes()).is_err());
        let trailing = format!("{XML_OK}<GetCallerIdentityResponse/>");
        assert!(parse_xml(trailing.as_bytes()).is_err());
        let text_after = format!("{XML_OK}junk");
        assert!(parse_xml(text_after.as_bytes()).is_err());
    }

    #[test]
    fn xml_doctype_entities_comments_and_foreign_namespaces_are_rejected() {
        let doctype = format!("<!DOCTYPE x [<!ENTITY e \"a\">]>{XML_OK}");
        assert!(parse_xml(doctype.as_bytes()).is_err());
        let entity = XML_OK.replace("ci-run</Arn>", "ci-run&amp;</Arn>");
        assert!(parse_xml(entity.as_bytes()).is_err());
        let comment = XML_OK.replace("<Arn>", "<!-- c --><Arn>");
        assert!(parse_xml(comment.as_bytes()).is_err());
        let ns = XML_OK.replace("https://sts.amazonaws.com/doc/2011-06-15/", "urn:evil");
        assert!(parse_xml(ns.as_bytes()).is_err());
    }

    #[test]
    fn unknown_content_type_is_rejected() {
        assert!(parse_caller_identity(Some("text/html"), JSON_OK.as_bytes()).is_err());
        assert!(parse_caller_identity(None, JSON_OK.as_bytes()).is_err());
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
