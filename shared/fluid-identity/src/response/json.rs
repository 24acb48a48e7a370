//! The JSON answer: serde_json with a visitor that refuses duplicate keys, then an exact shape.

use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{CallerIdentity, MalformedResponse, identity};

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
    use super::super::fixtures::*;
    use super::super::parse_caller_identity;
    use super::*;

    #[test]
    fn parses_the_documented_json_answer() {
        assert_eq!(parse_json(JSON_OK.as_bytes()), Ok(expected()));
        assert_eq!(
            parse_caller_identity(Some("application/json; charset=utf-8"), JSON_OK.as_bytes()),
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
}
