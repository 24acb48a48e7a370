//! Presigning X-Fluid-Identity values with `fluid_identity::presign` (the signer under test).

/// An X-Fluid-Identity value presigned at `time` with the credentials `(akid, secret, token)`
/// (usually [`crate::standin_credentials`]' `keys()`), valid `expires`.
pub fn presign_as(
    (akid, secret, token): (&str, &str, Option<&str>),
    region: &str,
    audience: &str,
    expires: std::time::Duration,
    time: std::time::SystemTime,
) -> String {
    let credentials = aws_credential_types::Credentials::new(
        akid,
        secret,
        token.map(str::to_owned),
        None,
        "test",
    );
    fluid_identity::presign(&credentials, region, audience, expires, time).expect("presign")
}
