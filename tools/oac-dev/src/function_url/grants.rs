//! The function's resource policy, as far as CloudFront's origin requests need it.

use super::lambda_errors::Denial;

/// What the function's resource policy grants `cloudfront.amazonaws.com` (for this distribution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grants {
    /// `lambda:InvokeFunctionUrl`.
    pub invoke_function_url: bool,
    /// `lambda:InvokeFunction` (needed too by Function URLs created since October 2025).
    pub invoke_function: bool,
}

impl Grants {
    /// Both permissions, as aws-cdk-lib 2.276's OAC origin grants them.
    pub const BOTH: Grants = Grants {
        invoke_function_url: true,
        invoke_function: true,
    };

    /// `Ok` when CloudFront may invoke the function through its URL; else Lambda's 403, naming
    /// the missing permission in the diagnosis.
    pub(crate) fn authorize_cloudfront(&self) -> Result<(), Denial> {
        let missing = match (self.invoke_function_url, self.invoke_function) {
            (true, true) => return Ok(()),
            (false, _) => "lambda:InvokeFunctionUrl",
            (true, false) => "lambda:InvokeFunction",
        };
        Err(Denial::Forbidden(format!(
            "the resource policy does not grant cloudfront.amazonaws.com {missing} \
             (Function URLs created since October 2025 need both permissions)"
        )))
    }
}
