//! How a stage of the chain ends a request before the function answers.

use crate::http::HttpResponse;

/// The `x-cache` CloudFront sends with an error of its own.
pub const CLOUDFRONT_ERROR: &str = "Error from cloudfront";

/// A stage answered the viewer itself: a filter's generated response, a Lambda 403, a CloudFront
/// error. `log` says why, for the chain's request line.
#[derive(Debug)]
pub struct Early {
    /// What the viewer gets.
    pub response: HttpResponse,
    /// The `x-cache` CloudFront sends with it.
    pub x_cache: &'static str,
    /// Why, in a few words.
    pub log: String,
    /// CloudFront ends the viewer's connection after this answer.
    pub close_connection: bool,
}

impl Early {
    /// An early answer with its `x-cache` and log line.
    pub fn new(response: HttpResponse, x_cache: &'static str, log: impl Into<String>) -> Self {
        Self {
            response,
            x_cache,
            log: log.into(),
            close_connection: false,
        }
    }

    /// This answer, after which CloudFront closes the viewer's connection.
    pub fn closing_the_connection(mut self) -> Self {
        self.close_connection = true;
        self
    }

    /// An error CloudFront (or Lambda behind it) answers with a JSON body.
    pub fn cloudfront_error(status: u16, body: &str, log: impl Into<String>) -> Self {
        Self::new(HttpResponse::json(status, body), CLOUDFRONT_ERROR, log)
    }
}
