//! Origin Access Control, signing `always`: the viewer's `Authorization` dropped, SigV4 for service
//! `lambda` (with `aws-sigv4`, [`super::sigv4_sign`]), the payload hash from `x-amz-content-sha256`
//! or the empty-body hash.

use std::time::SystemTime;

use super::sigv4_sign::sign_origin_request;
use aws_credential_types::Credentials;
use axum::http::Method;
use cloudfront_event::Request;

use super::edge_result::flatten;
use crate::config::{FUNCTION_HOST, REGION};
use crate::http::{HttpRequest, path_and_query};
use crate::model::identity::{CLOUDFRONT_AKID, CLOUDFRONT_SECRET};
use crate::stage::Early;

/// Signs origin requests as CloudFront's OAC does.
pub struct OacSigner {
    credentials: Credentials,
}

impl Default for OacSigner {
    fn default() -> Self {
        Self {
            credentials: Credentials::new(
                CLOUDFRONT_AKID,
                CLOUDFRONT_SECRET,
                None,
                None,
                "oac-dev",
            ),
        }
    }
}

impl OacSigner {
    /// The request as it leaves CloudFront for the Function URL, signed at `now`. A request
    /// `aws-sigv4` cannot sign is CloudFront's 502.
    pub fn sign(&self, request: &Request, now: SystemTime) -> Result<HttpRequest, Early> {
        let method = Method::from_bytes(request.method.as_bytes()).map_err(|e| {
            Early::cloudfront_error(400, "{\"message\":\"Bad Request\"}", e.to_string())
        })?;
        let mut headers = flatten(&request.headers);
        let url = format!(
            "https://{FUNCTION_HOST}{}",
            path_and_query(&request.uri, &request.querystring)
        );
        sign_origin_request(
            method.as_str(),
            &url,
            &mut headers,
            &self.credentials,
            REGION,
            now,
        )
        .map_err(|e| {
            Early::cloudfront_error(502, "{\"message\":\"Bad Gateway\"}", e.to_string())
        })?;
        Ok(HttpRequest {
            method,
            raw_path: request.uri.clone(),
            raw_query: request.querystring.clone(),
            headers,
        })
    }
}
