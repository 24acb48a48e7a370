//! CloudFront's `Records[0].cf.config.requestId`, for the decision log line.

use napi::{JsObject, Result};

use crate::member::{
    Member, as_array, as_optional_string, as_record, element, member, optional_record, record,
    to_rust_string,
};

/// The most characters a request ID may hold (CloudFront's are 56: base64 of 42 bytes).
pub const MAX_REQUEST_ID_CHARS: usize = 128;

/// `Records[0].cf.config.requestId` of an event [`crate::request_of`] accepted: `None` when
/// `config` or `requestId` is absent; a JS exception when either has the wrong type or the ID is
/// over [`MAX_REQUEST_ID_CHARS`].
pub fn request_id_of(event: &JsObject) -> Result<Option<String>> {
    let (records, _) = as_array(member(event, "Records")?, "Records", 1)?;
    let cf = record(&as_record(element(&records, 0)?, "Records[0]")?, "cf")?;
    match optional_record(&cf, "config")? {
        Some(config) => request_id_of_value(member(&config, "requestId")?),
        None => Ok(None),
    }
}

/// A `requestId` JS read out of the event itself: checked as [`request_id_of`] checks the member
/// (`undefined` is `None`; another type or over [`MAX_REQUEST_ID_CHARS`] is a JS exception).
pub fn request_id_of_value(value: Member) -> Result<Option<String>> {
    as_optional_string(value, "requestId", MAX_REQUEST_ID_CHARS)?
        .map(|s| to_rust_string(s.string))
        .transpose()
}
