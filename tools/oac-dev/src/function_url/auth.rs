//! What the Function URL checks before it builds the event: IAM (SigV4 with an independent
//! verifier, [`super::sigv4`], the payload hash against the body, and the resource policy's
//! grants). The payload limit applies to the event itself ([`super::payload_limit`]).

use std::time::{Duration, SystemTime};

use super::Denial;
use super::sigv4::{Caller, FunctionUrlAuth, ReceivedRequest};

use crate::config::{FUNCTION_HOST, REGION};
use crate::http::{HttpRequest, HttpResponse};
use crate::model::{Grants, cloudfront_identity};
use crate::stage::{CLOUDFRONT_ERROR, Early};

/// How far a request's `x-amz-date` may be from the Function URL's clock.
const MAX_SKEW: Duration = Duration::from_secs(300);

/// The emulated Function URL.
pub struct FunctionUrl {
    auth: FunctionUrlAuth,
}

impl FunctionUrl {
    /// A Function URL whose resource policy grants CloudFront `grants`.
    pub fn new(grants: Grants) -> Self {
        Self {
            auth: FunctionUrlAuth {
                host: FUNCTION_HOST.to_owned(),
                region: REGION.to_owned(),
                identities: vec![cloudfront_identity()],
                grants,
                max_skew: MAX_SKEW,
            },
        }
    }

    /// The IAM caller of `request`, or Lambda's answer refusing it at `now`.
    pub fn authorize(
        &self,
        request: &HttpRequest,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Caller, Early> {
        let received = ReceivedRequest {
            method: request.method.as_str(),
            raw_path: &request.raw_path,
            raw_query: &request.raw_query,
            headers: &request.headers,
            body,
        };
        self.auth.check(&received, now).map_err(|d| refusal(&d))
    }
}

/// Lambda's answer to a refused request: its status, body and `x-amzn-ErrorType`.
fn refusal(denial: &Denial) -> Early {
    let mut response = HttpResponse::json(denial.status(), denial.body());
    response
        .headers
        .push(("x-amzn-errortype".into(), denial.error_type().into()));
    Early::new(
        response,
        CLOUDFRONT_ERROR,
        format!("Function URL 403: {}", denial.diagnosis()),
    )
}
