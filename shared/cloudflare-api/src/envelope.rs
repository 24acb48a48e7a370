//! Cloudflare's v4 envelope, `{success, errors, messages, result, result_info}`, read from an
//! answer's status and body: the pure half of every call.
//!
//! ```
//! use cloudflare_api::envelope::read;
//! let ok = read::<String>(200, br#"{"success":true,"errors":[],"messages":[],"result":"strict"}"#);
//! assert_eq!(ok.unwrap().result, "strict");
//! let denied = read::<String>(403, br#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#);
//! assert_eq!(denied.unwrap_err().to_string(), "Cloudflare API error 10000: Authentication error (HTTP 403)");
//! ```

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiMessage, Error};

/// A successful answer: its `result` and, on lists, `result_info`.
#[derive(Debug)]
pub struct Answer<T> {
    /// The envelope's `result`.
    pub result: T,
    /// The envelope's `result_info` (paginated lists).
    pub result_info: Option<ResultInfo>,
}

/// `result_info` of a paginated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ResultInfo {
    /// This page (from 1).
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Items on this page.
    #[serde(default)]
    pub count: u32,
    /// Items on every page.
    #[serde(default)]
    pub total_count: u32,
    /// How many pages there are.
    #[serde(default)]
    pub total_pages: u32,
}

#[derive(Deserialize)]
struct Raw {
    success: bool,
    #[serde(default)]
    errors: Vec<ApiMessage>,
    #[serde(default)]
    result: serde_json::Value,
    #[serde(default)]
    result_info: Option<ResultInfo>,
}

/// Reads an answer: a 2xx with `success: true` gives its `result` as `T`; anything else is an
/// [`Error::Cloudflare`] carrying `errors[]` (empty when the body is not an envelope), or
/// [`Error::Malformed`] when a 2xx is not a well-formed successful envelope.
pub fn read<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<Answer<T>, Error> {
    let raw: Result<Raw, _> = serde_json::from_slice(body);
    let success_status = (200..300).contains(&status);
    let raw = match raw {
        Ok(raw) => raw,
        Err(_) if !success_status => {
            return Err(Error::Cloudflare {
                status,
                errors: vec![],
            });
        }
        Err(e) => return Err(Error::Malformed(format!("not the v4 envelope: {e}"))),
    };
    if !success_status || !raw.success {
        if success_status && raw.errors.is_empty() {
            return Err(Error::Malformed("success: false without errors".to_owned()));
        }
        return Err(Error::Cloudflare {
            status,
            errors: raw.errors,
        });
    }
    let result = serde_json::from_value(raw.result)
        .map_err(|e| Error::Malformed(format!("unexpected result: {e}")))?;
    Ok(Answer {
        result,
        result_info: raw.result_info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_status_without_an_envelope_keeps_the_status() {
        let e = read::<serde_json::Value>(502, b"<html>bad gateway</html>").unwrap_err();
        assert!(matches!(e, Error::Cloudflare { status: 502, ref errors } if errors.is_empty()));
    }

    #[test]
    fn success_status_without_an_envelope_is_malformed() {
        assert!(matches!(
            read::<String>(200, b"nope"),
            Err(Error::Malformed(_))
        ));
        assert!(matches!(
            read::<String>(200, br#"{"success":false,"errors":[]}"#),
            Err(Error::Malformed(_))
        ));
    }

    #[test]
    fn success_false_on_200_is_cloudflares_error() {
        let body = br#"{"success":false,"errors":[{"code":1004,"message":"DNS Validation Error"},{"code":9005,"message":"Content for A record is invalid."}]}"#;
        let e = read::<String>(200, body).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Cloudflare API error 1004: DNS Validation Error; 9005: Content for A record is invalid. (HTTP 200)"
        );
    }

    #[test]
    fn a_result_of_the_wrong_shape_is_malformed() {
        let body = br#"{"success":true,"errors":[],"result":{"id":1}}"#;
        assert!(matches!(
            read::<Vec<String>>(200, body),
            Err(Error::Malformed(_))
        ));
    }

    #[test]
    fn result_info_is_read() {
        let body = br#"{"success":true,"errors":[],"result":[],"result_info":{"page":2,"per_page":1,"count":1,"total_count":3,"total_pages":3}}"#;
        let info = read::<Vec<String>>(200, body).unwrap().result_info.unwrap();
        assert_eq!((info.page, info.total_pages), (2, 3));
    }
}
