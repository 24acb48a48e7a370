//! The envelope of a Lambda@Edge event: `Records[0].cf.request`.

use napi::{JsObject, Result};

use crate::member::{as_array, as_record, element, malformed, member, record};

/// `Records[0].cf.request` of a Lambda@Edge event object. A JS exception unless `Records` is an
/// array of exactly one record (Lambda@Edge sends one; judging the first of several would leave
/// the rest unjudged) and `cf` and `request` are objects.
pub fn request_of(event: &JsObject) -> Result<JsObject> {
    let (records, len) = as_array(member(event, "Records")?, "Records", 1)?;
    if len != 1 {
        return Err(malformed(
            "Records",
            "must hold exactly one record, got none",
        ));
    }
    let record_0 = as_record(element(&records, 0)?, "Records[0]")?;
    let cf = record(&record_0, "cf")?;
    record(&cf, "request")
}
