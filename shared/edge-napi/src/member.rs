//! Type-checked reads of event members.
//!
//! napi 2 does not check every read: `JsObject::get::<_, JsObject>` and
//! `get_named_property_unchecked` hand back whatever the member is, and reading a member of a
//! number (`body: 42`) quietly finds nothing. Every read here asks `typeof` first and turns a wrong
//! type, a string over its cap or an array over its length cap into a JS exception naming the
//! member, so the invocation fails (CloudFront answers 5xx) instead of deciding on a misread event.
//! A getter or Proxy trap that throws fails the read the same way: its exception propagates.

use std::fmt::Display;

use napi::{JsBoolean, JsObject, JsString, JsUnknown, Result, Status, ValueType};

/// The JS exception for a member that is not what the event model says it is.
pub fn malformed(what: impl Display, problem: impl Display) -> napi::Error {
    napi::Error::new(
        Status::InvalidArg,
        format!("malformed event: {what} {problem}"),
    )
}

/// A JS value with its `typeof`, asked once.
pub struct Member {
    value: JsUnknown,
    kind: ValueType,
}

impl Member {
    /// A value handed over by JS (an argument rather than a member read), with its `typeof`.
    pub fn of(value: JsUnknown) -> Result<Self> {
        let kind = value.get_type()?;
        Ok(Self { value, kind })
    }

    /// Whether the value is `undefined`, i.e. the member is absent.
    pub fn is_absent(&self) -> bool {
        self.kind == ValueType::Undefined
    }
}

/// A string checked against its cap, still in V8, with its length in UTF-16 code units.
pub struct CappedString {
    /// The string.
    pub string: JsString,
    /// Its length in UTF-16 code units.
    pub chars: usize,
}

/// Member `name` of `object` (`undefined` when absent). Runs a getter or Proxy trap if the
/// event has one: the caller must hold no borrow across this call.
pub fn member(object: &JsObject, name: &str) -> Result<Member> {
    Member::of(object.get_named_property_unchecked::<JsUnknown>(name)?)
}

/// Element `index` of `array` (`undefined` for a hole).
pub fn element(array: &JsObject, index: u32) -> Result<Member> {
    Member::of(array.get_element::<JsUnknown>(index)?)
}

/// `member` as a plain object: not `null`, an array or a function.
pub fn as_record(member: Member, what: impl Display) -> Result<JsObject> {
    match member.kind {
        ValueType::Object => {
            // SAFETY: `typeof` is "object" and it is not null (null has its own ValueType).
            let object: JsObject = unsafe { member.value.cast() };
            if object.is_array()? {
                return Err(malformed(what, "must be an object, got an array"));
            }
            Ok(object)
        }
        other => Err(malformed(
            what,
            format_args!("must be an object, got {other}"),
        )),
    }
}

/// `member` as an array of at most `max_len` elements, with its length. A Proxy is not an array
/// here (N-API's `IsArray` does not look through it).
pub fn as_array(member: Member, what: impl Display, max_len: u32) -> Result<(JsObject, u32)> {
    let ValueType::Object = member.kind else {
        return Err(malformed(what, "must be an array"));
    };
    // SAFETY: `typeof` is "object".
    let object: JsObject = unsafe { member.value.cast() };
    if !object.is_array()? {
        return Err(malformed(what, "must be an array"));
    }
    let len = object.get_array_length_unchecked()?;
    if len > max_len {
        return Err(malformed(
            what,
            format_args!("has {len} elements, at most {max_len} allowed"),
        ));
    }
    Ok((object, len))
}

/// `member` as a string of at most `max_chars` UTF-16 code units (checked before anything is
/// copied: V8 knows a string's length without reading it).
pub fn as_string(member: Member, what: impl Display, max_chars: usize) -> Result<CappedString> {
    let ValueType::String = member.kind else {
        let kind = member.kind;
        return Err(malformed(
            what,
            format_args!("must be a string, got {kind}"),
        ));
    };
    // SAFETY: `typeof` is "string".
    let string: JsString = unsafe { member.value.cast() };
    let chars = string.utf16_len()?;
    if chars > max_chars {
        return Err(malformed(
            what,
            format_args!("is {chars} characters long, at most {max_chars} allowed"),
        ));
    }
    Ok(CappedString { string, chars })
}

/// A JS string copied out as UTF-8.
pub fn to_rust_string(s: JsString) -> Result<String> {
    s.into_utf8()?.into_owned()
}

/// A member that must be a plain object.
pub fn record(object: &JsObject, name: &str) -> Result<JsObject> {
    as_record(member(object, name)?, name)
}

/// A member that is a plain object or absent.
pub fn optional_record(object: &JsObject, name: &str) -> Result<Option<JsObject>> {
    let value = member(object, name)?;
    if value.is_absent() {
        return Ok(None);
    }
    as_record(value, name).map(Some)
}

/// A member that is a string of at most `max_chars`, or absent; still in V8 (see [`as_string`]).
pub fn optional_capped_string(
    object: &JsObject,
    name: &str,
    max_chars: usize,
) -> Result<Option<CappedString>> {
    as_optional_string(member(object, name)?, name, max_chars)
}

/// `value` as a string of at most `max_chars`, or `None` when it is `undefined`.
pub fn as_optional_string(
    value: Member,
    what: impl Display,
    max_chars: usize,
) -> Result<Option<CappedString>> {
    if value.is_absent() {
        return Ok(None);
    }
    as_string(value, what, max_chars).map(Some)
}

/// A member that is a string of at most `max_chars`, or absent.
pub fn optional_string(object: &JsObject, name: &str, max_chars: usize) -> Result<Option<String>> {
    optional_capped_string(object, name, max_chars)?
        .map(|s| to_rust_string(s.string))
        .transpose()
}

/// A member that must be a string of at most `max_chars`.
pub fn required_string(object: &JsObject, name: &str, max_chars: usize) -> Result<String> {
    optional_string(object, name, max_chars)?.ok_or_else(|| malformed(name, "is missing"))
}

/// A member that is a boolean, or absent.
pub fn optional_bool(object: &JsObject, name: &str) -> Result<Option<bool>> {
    as_optional_bool(member(object, name)?, name)
}

/// `value` as a boolean, or `None` when it is `undefined`.
pub fn as_optional_bool(value: Member, what: impl Display) -> Result<Option<bool>> {
    match value.kind {
        ValueType::Undefined => Ok(None),
        // SAFETY: `typeof` is "boolean".
        ValueType::Boolean => unsafe { value.value.cast::<JsBoolean>() }
            .get_value()
            .map(Some),
        other => Err(malformed(
            what,
            format_args!("must be a boolean, got {other}"),
        )),
    }
}
