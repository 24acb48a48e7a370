//! The XML answer: quick-xml events against the one allowed element tree.

use std::collections::BTreeMap;

use quick_xml::events::Event;

use super::{CallerIdentity, MalformedResponse, identity};

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

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::parse_caller_identity;
    use super::*;

    #[test]
    fn parses_the_documented_xml_answer() {
        assert_eq!(parse_xml(XML_OK.as_bytes()), Ok(expected()));
        assert_eq!(
            parse_caller_identity(Some("text/xml"), XML_OK.as_bytes()),
            Ok(expected())
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
}
