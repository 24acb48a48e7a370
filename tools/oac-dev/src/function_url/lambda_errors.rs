//! Lambda's answers when a Function URL refuses a request before invoking the function.

/// Lambda's message for a signature that does not verify.
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
/// Lambda's message when the resource policy or the authentication is missing.
const FORBIDDEN: &str = "Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html";
/// Lambda's message for an access key IAM does not know.
const UNRECOGNIZED_CLIENT: &str = "The security token included in the request is invalid.";

/// Why Lambda refused the request before invoking the function. [`Denial::body`] is what Lambda
/// answers; [`Denial::diagnosis`] says what actually went wrong, for the local chain's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    /// 403 `AccessDeniedException` "Forbidden": no or unusable authentication, wrong host, or the
    /// resource policy lacks a grant.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 403 `InvalidSignatureException`: the signature, its scope or the payload hash is wrong.
    #[error("invalid signature: {0}")]
    InvalidSignature(String),
    /// 403 `InvalidSignatureException` "Signature expired": `x-amz-date` is off by > 5 minutes.
    #[error("signature expired: {0}")]
    SignatureExpired(String),
    /// 403 `UnrecognizedClientException`: the access key is unknown.
    #[error("unknown access key {0}")]
    UnrecognizedClient(String),
}

impl Denial {
    /// HTTP status (always 403 for a Function URL auth failure).
    pub fn status(&self) -> u16 {
        403
    }

    /// The `x-amzn-ErrorType` header value.
    pub fn error_type(&self) -> &'static str {
        match self {
            Denial::Forbidden(_) => "AccessDeniedException",
            Denial::InvalidSignature(_) | Denial::SignatureExpired(_) => {
                "InvalidSignatureException"
            }
            Denial::UnrecognizedClient(_) => "UnrecognizedClientException",
        }
    }

    /// The JSON body Lambda answers with (`Message` for a 403 Forbidden, `message` otherwise).
    pub fn body(&self) -> String {
        let body = match self {
            Denial::Forbidden(_) => serde_json::json!({ "Message": FORBIDDEN }),
            Denial::InvalidSignature(_) => serde_json::json!({ "message": SIGNATURE_MISMATCH }),
            Denial::SignatureExpired(detail) => {
                serde_json::json!({ "message": format!("Signature expired: {detail}") })
            }
            Denial::UnrecognizedClient(_) => serde_json::json!({ "message": UNRECOGNIZED_CLIENT }),
        };
        body.to_string()
    }

    /// What really went wrong (not sent to the client, as with Lambda).
    pub fn diagnosis(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_signature_body_is_valid_json_whatever_the_detail() {
        let denial = Denial::SignatureExpired("a \"quoted\" \\ detail\n".into());
        let body: serde_json::Value = serde_json::from_str(&denial.body()).unwrap();
        assert_eq!(
            body["message"],
            "Signature expired: a \"quoted\" \\ detail\n"
        );
    }

    #[test]
    fn forbidden_uses_a_capitalised_message_key() {
        let body: serde_json::Value =
            serde_json::from_str(&Denial::Forbidden(String::new()).body()).unwrap();
        assert_eq!(body["Message"], FORBIDDEN);
    }
}
