//! Every rule of the pure validation step, one test per rejection reason, plus the attack
//! catalogue from aws-iam-authenticator's and Vault's history. Each test starts from a genuine
//! presigned value (which must pass) and changes exactly one thing, so removing a rule makes its
//! test fail: either the value is accepted or it is rejected for a different reason.
//!
//! One binary, one module per concern: the header value and URL shape, the query, time, and the
//! signed headers and signature.

mod dates;
mod query;
mod signature;
mod url_shape;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use fluid_identity::{HostAllowlist, Rejection, ValidationPolicy, presign, validate};

const SIGNED_AT: u64 = 1_740_832_496; // 2025-03-01T12:34:56Z
const AMZ_DATE: &str = "20250301T123456Z";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn now() -> SystemTime {
    at(SIGNED_AT + 10)
}

fn genuine_in(region: &str, token: Option<&str>) -> String {
    let creds = Credentials::new(
        "ASIAEXAMPLE000000001",
        "secret",
        token.map(str::to_owned),
        None,
        "test",
    );
    presign(
        &creds,
        region,
        "orders-api",
        Duration::from_secs(60),
        at(SIGNED_AT),
    )
    .unwrap()
}

fn genuine() -> String {
    genuine_in("us-east-1", Some("token/with+plus="))
}

fn check(value: &str) -> Result<(), Rejection> {
    validate(value, &ValidationPolicy::default(), now()).map(|_| ())
}

fn rejects(value: &str, reason: Rejection) {
    assert_eq!(check(value), Err(reason), "value: {value}");
}

/// Replaces the host of a genuine value.
fn with_authority(authority: &str) -> String {
    genuine().replacen("sts.us-east-1.amazonaws.com", authority, 1)
}

/// Replaces one query parameter's raw `name=value`.
fn replace_param(value: &str, name: &str, new: &str) -> String {
    let start = value.find(&format!("{name}=")).expect("param present");
    let end = value[start..].find('&').map_or(value.len(), |i| start + i);
    format!("{}{new}{}", &value[..start], &value[end..])
}

fn param<'a>(value: &'a str, name: &str) -> &'a str {
    let start = value.find(&format!("{name}=")).unwrap() + name.len() + 1;
    let end = value[start..].find('&').map_or(value.len(), |i| start + i);
    &value[start..end]
}
