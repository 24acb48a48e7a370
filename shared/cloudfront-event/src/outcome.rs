//! The contract of an edge core: what it decided about one request, and what Lambda@Edge gets
//! back once an adapter has carried the decision out.

use serde::Serialize;

use crate::{HeaderEdit, Request, Response};

/// What an edge core decided about one request. Every core (body-hash, ip-filter) returns this,
/// so one adapter per runtime (`lambda_runtime`, N-API) serves them all.
///
/// ```
/// use cloudfront_event::{HeaderEdit, Outcome};
/// let forward = Outcome::Forward(vec![HeaderEdit::Remove { name: "x-debug".into() }]);
/// assert!(matches!(forward, Outcome::Forward(edits) if edits.len() == 1));
/// assert_eq!(Outcome::forward_unchanged(), Outcome::Forward(Vec::new()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Forward the request after applying these header edits, in order (none: unchanged).
    Forward(Vec<HeaderEdit>),
    /// Answer the viewer with this generated response; the request goes no further.
    Respond(Response),
}

impl Outcome {
    /// Forward the request exactly as it came.
    pub fn forward_unchanged() -> Self {
        Self::Forward(Vec::new())
    }

    /// Carries the decision out on `request`: the edited request to forward, or the response.
    ///
    /// ```
    /// use cloudfront_event::{EdgeAnswer, HeaderEdit, Outcome, Request};
    /// let request: Request = serde_json::from_str(
    ///     r#"{"clientIp":"162.158.1.1","headers":{},"method":"GET","querystring":"","uri":"/"}"#,
    /// ).unwrap();
    /// let edit = HeaderEdit::Set { name: "x-a".into(), entries: vec![("X-A".into(), "1".into())] };
    /// let EdgeAnswer::Forward(out) = Outcome::Forward(vec![edit]).apply_to(request) else { panic!() };
    /// assert_eq!(out.headers.0["x-a"][0].value, "1");
    /// ```
    pub fn apply_to(self, mut request: Request) -> EdgeAnswer {
        match self {
            Outcome::Forward(edits) => {
                for edit in &edits {
                    request.headers.apply(edit);
                }
                EdgeAnswer::Forward(Box::new(request))
            }
            Outcome::Respond(response) => EdgeAnswer::Respond(response),
        }
    }
}

/// What a viewer-request or origin-request function returns to CloudFront: the request (to
/// forward) or a generated response. Serializes as the bare object CloudFront expects.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EdgeAnswer {
    /// The request, as it goes on towards the origin (boxed: it is the large variant).
    Forward(Box<Request>),
    /// The generated response.
    Respond(Response),
}
