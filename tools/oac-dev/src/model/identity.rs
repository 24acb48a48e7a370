//! Signing identities: whom the emulated IAM knows, and the one CloudFront's OAC signs as (the
//! signer, [`crate::cloudfront::oac_sign`], and the Function URL that verifies,
//! [`crate::function_url`], must agree on it).

/// The local stand-in for CloudFront's OAC signing identity (not an AWS credential).
pub(crate) const CLOUDFRONT_AKID: &str = "AKIAOACDEVCLOUDFRONT";
pub(crate) const CLOUDFRONT_SECRET: &str = "oac-dev-local-cloudfront-signing-key";
const CLOUDFRONT_ARN: &str =
    "arn:aws:sts::000000000000:assumed-role/oac-dev-cloudfront/origin-access-control";
const CLOUDFRONT_ACCOUNT: &str = "000000000000";

/// Credentials the emulated IAM knows, and whom they belong to.
#[derive(Debug, Clone)]
pub struct SigningIdentity {
    /// Access key ID.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// The principal's ARN, reported to the function as `authorizer.iam.userArn`.
    pub principal_arn: String,
    /// Its account.
    pub account_id: String,
}

/// CloudFront's signing identity as IAM knows it (what the Function URL verifies against).
pub fn cloudfront_identity() -> SigningIdentity {
    SigningIdentity {
        access_key_id: CLOUDFRONT_AKID.to_owned(),
        secret_access_key: CLOUDFRONT_SECRET.to_owned(),
        principal_arn: CLOUDFRONT_ARN.to_owned(),
        account_id: CLOUDFRONT_ACCOUNT.to_owned(),
    }
}
