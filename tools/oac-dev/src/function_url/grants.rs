//! The function's resource policy, as far as CloudFront's origin requests need it.

use super::lambda_errors::Denial;
use crate::model::Grants;

impl Grants {
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
