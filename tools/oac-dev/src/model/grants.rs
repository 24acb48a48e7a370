//! What the function's resource policy grants CloudFront: set up by the chain's configuration,
//! enforced by the Function URL ([`crate::function_url`]).

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
}
