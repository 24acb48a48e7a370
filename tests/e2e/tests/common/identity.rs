//! The api behind the chain with identities checked by the Python STS stand-in: its environment,
//! and `X-Fluid-Identity` values for the stand-in's reader and writer.

use std::path::Path;
use std::time::{Duration, SystemTime};

use test_support::standin_credentials;
use test_support::sts_standin::StandIn;

/// The `x-fluid-audience` the api is configured for.
pub const AUDIENCE: &str = "oac-kit-e2e";
/// The STS region the callers sign for (`sts.us-west-2.amazonaws.com`).
pub const REGION: &str = "us-west-2";
/// The identity header.
pub const IDENTITY: &str = "x-fluid-identity";

/// The api's environment: SQLite at `sqlite`, the `audience` it expects, readers = the stand-in's
/// IAM user, writers = its `deployer` role, STS = `standin`.
pub fn api_env(standin: &StandIn, sqlite: &Path, audience: &str) -> Vec<(String, String)> {
    [
        ("STORE", "sqlite".to_owned()),
        ("SQLITE_PATH", sqlite.display().to_string()),
        ("IDENTITY_AUDIENCE", audience.to_owned()),
        (
            "IDENTITY_READERS",
            standin_credentials::user()
                .principal_arn
                .as_str()
                .to_owned(),
        ),
        (
            "IDENTITY_WRITERS",
            standin_credentials::role()
                .principal_arn
                .as_str()
                .to_owned(),
        ),
        ("UNSAFE_STS_ENDPOINT_OVERRIDE", standin.base_url()),
        // Generous: the stand-in shares two cores with the build and the other tests.
        ("IDENTITY_STS_TIMEOUT_MS", "10000".to_owned()),
        ("LOG_LEVEL", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A presigned `GetCallerIdentity` for `audience`, valid 60 s from `time`.
pub fn presigned(
    akid: &str,
    secret: &str,
    token: Option<&str>,
    audience: &str,
    time: SystemTime,
) -> String {
    test_support::presign::presign_as(
        (akid, secret, token),
        REGION,
        audience,
        Duration::from_secs(60),
        time,
    )
}

/// The stand-in's `deployer` role (a writer), signed now for the api.
pub fn writer() -> String {
    let role = standin_credentials::role();
    presigned(
        role.access_key_id.as_str(),
        role.secret_access_key.as_str(),
        role.session_token.as_deref(),
        AUDIENCE,
        SystemTime::now(),
    )
}

/// The stand-in's IAM user `eng/alice` (a reader), signed now for the api.
pub fn reader() -> String {
    let user = standin_credentials::user();
    presigned(
        user.access_key_id.as_str(),
        user.secret_access_key.as_str(),
        None,
        AUDIENCE,
        SystemTime::now(),
    )
}
