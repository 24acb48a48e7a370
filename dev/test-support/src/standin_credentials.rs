//! The stand-in credentials: `dev/py/standin_credentials.json`, the one copy, which
//! `sts_standin.py` reads too. Not AWS credentials: they exist only in the stand-in.

use std::sync::LazyLock;

use serde::Deserialize;

/// One identity the STS stand-in knows.
#[derive(Debug, Deserialize)]
pub struct StandInCredential {
    /// `AKIA…` (long-term) or `ASIA…` (session).
    pub access_key_id: String,
    /// The secret the stand-in checks signatures with.
    pub secret_access_key: String,
    /// The session token, for session credentials.
    pub session_token: Option<String>,
    /// The ARN the stand-in's GetCallerIdentity reports (an assumed-role session for roles).
    pub caller_arn: String,
    /// The principal the verifier derives from `caller_arn` (what allowlists name).
    pub principal_arn: String,
}

impl StandInCredential {
    /// `(access key, secret, token)`, as [`crate::presign::presign_as`] takes them.
    pub fn keys(&self) -> (&str, &str, Option<&str>) {
        (
            &self.access_key_id,
            &self.secret_access_key,
            self.session_token.as_deref(),
        )
    }
}

#[derive(Deserialize)]
struct File {
    user: StandInCredential,
    role: StandInCredential,
    sso: StandInCredential,
}

static FILE: LazyLock<File> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../py/standin_credentials.json"))
        .expect("dev/py/standin_credentials.json parses")
});

/// An IAM user, `arn:aws:iam::111122223333:user/eng/alice`.
pub fn user() -> &'static StandInCredential {
    &FILE.user
}

/// A session of the role `arn:aws:iam::111122223333:role/deployer`.
pub fn role() -> &'static StandInCredential {
    &FILE.role
}

/// An IAM Identity Center (SSO) session of the permission set `Admin` in account 444455556666.
pub fn sso() -> &'static StandInCredential {
    &FILE.sso
}
