//! The request headers a core needs, read out of the event's `headers` object in one pass before
//! the core runs. The core then decides on plain Rust values: no call into JS (a getter, a Proxy
//! trap) happens while it runs, and nothing is borrowed across one.

use std::borrow::Cow;

use cloudfront_event::HeaderLookup;
use napi::{JsObject, Result};

use crate::member::{
    CappedString, Member, as_array, as_optional_string, as_record, as_string, element, malformed,
    member, to_rust_string,
};

/// The most characters all the values read may hold together: CloudFront's 20,480-byte quota on
/// a request's headers and query string (a value cannot be longer than the head it came in).
pub const MAX_HEADER_CHARS: usize = 20_480;

/// Values of the headers in `names`, as the request carries them (absent names have none), and
/// how many entries each has: a header with more entries than the reader was allowed to read has
/// its count and no values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadHeaders<'n> {
    headers: Vec<(&'n str, usize, Vec<String>)>,
}

impl HeaderLookup for ReadHeaders<'_> {
    /// The values of `lowercase_name`, empty when it has more entries than were read. Only names
    /// passed to [`read_headers`] were read; a core's list of the headers it reads is tested
    /// against the core itself (see `body_hash_core`).
    fn values(&self, lowercase_name: &str) -> Vec<Cow<'_, str>> {
        self.headers
            .iter()
            .find(|(name, _, _)| *name == lowercase_name)
            .map(|(_, _, values)| values.iter().map(|v| Cow::Borrowed(v.as_str())).collect())
            .unwrap_or_default()
    }

    /// The number of entries of `lowercase_name` (its array's length), read or not.
    fn count(&self, lowercase_name: &str) -> usize {
        self.headers
            .iter()
            .find(|(name, _, _)| *name == lowercase_name)
            .map_or(0, |(_, count, _)| *count)
    }
}

/// Reads the headers `names` (lowercase) from the request's `headers` object: each one's number
/// of entries, and its values when it has at most `max_entries`. The viewer chooses how often it
/// repeats a header, so a count over `max_entries` is never an error: those entries are not
/// read, and the core judges the count ([`HeaderLookup::count`]). A JS exception if an entry list
/// is not an array, an entry read is not an object, a `value` is not a string, or the values
/// together pass [`MAX_HEADER_CHARS`] (more than CloudFront's quota lets a request carry).
pub fn read_headers<'n>(
    headers: &JsObject,
    names: &[&'n str],
    max_entries: usize,
) -> Result<ReadHeaders<'n>> {
    let mut budget = MAX_HEADER_CHARS;
    let mut read = Vec::with_capacity(names.len());
    for &name in names {
        let entries = member(headers, name)?;
        if entries.is_absent() {
            continue;
        }
        let (entries, len) = as_array(entries, format_args!("headers[{name:?}]"), u32::MAX)?;
        let count = len as usize;
        if count > max_entries {
            read.push((name, count, Vec::new()));
            continue;
        }
        let mut values = Vec::with_capacity(count);
        for i in 0..len {
            let entry = as_record(
                element(&entries, i)?,
                format_args!("headers[{name:?}][{i}]"),
            )?;
            let value = as_string(
                member(&entry, "value")?,
                format_args!("headers[{name:?}][{i}].value"),
                MAX_HEADER_CHARS,
            )?;
            values.push(spend(&mut budget, value, name, i)?);
        }
        read.push((name, count, values));
    }
    Ok(ReadHeaders { headers: read })
}

/// The headers `names` from values JS read out of the event: `values[i]` is the `value` of the
/// only entry of `names[i]`, or `undefined` when the request has no such header (JS hands over
/// no other shape; see `functions/body-hash-edge/js/index.mjs`). Each value is checked exactly as
/// [`read_headers`] checks it: a string, within [`MAX_HEADER_CHARS`] with the others.
pub fn headers_of_values<'n>(names: &[&'n str], values: Vec<Member>) -> Result<ReadHeaders<'n>> {
    if values.len() < names.len() {
        // A header the core reads must never pass for absent because JS had no slot for it.
        return Err(napi::Error::from_reason(format!(
            "{} header values handed over for {} headers read",
            values.len(),
            names.len()
        )));
    }
    let mut budget = MAX_HEADER_CHARS;
    let mut read = Vec::with_capacity(names.len());
    for (&name, value) in names.iter().zip(values) {
        let Some(value) = as_optional_string(
            value,
            format_args!("headers[{name:?}][0].value"),
            MAX_HEADER_CHARS,
        )?
        else {
            continue;
        };
        read.push((name, 1, vec![spend(&mut budget, value, name, 0)?]));
    }
    Ok(ReadHeaders { headers: read })
}

/// `value` (entry `i` of header `name`) as a Rust string, taken out of what is left of `budget`.
fn spend(budget: &mut usize, value: CappedString, name: &str, i: u32) -> Result<String> {
    *budget = budget.checked_sub(value.chars).ok_or_else(|| {
        malformed(
            format_args!("headers[{name:?}][{i}].value"),
            format_args!(
                "makes the headers read longer than {MAX_HEADER_CHARS} characters \
                 (CloudFront's request-head quota)"
            ),
        )
    })?;
    to_rust_string(value.string)
}
