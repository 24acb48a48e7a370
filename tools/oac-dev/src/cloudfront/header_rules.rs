//! What CloudFront enforces on the headers around an edge function ("Restrictions on all edge
//! functions", HTTP headers): disallowed headers are never exposed to the function and it may not
//! add them; read-only headers it may not add, change or delete. A function that breaks either
//! fails CloudFront's validation and the viewer gets a 502 — the same for a CloudFront Function and
//! a Lambda@Edge function. The lists are `cloudfront_event::reserved_headers`.

use cloudfront_event::reserved_headers::{EditRefusal, Trigger, edit_refusal, is_disallowed};
use cloudfront_event::{HeaderEntry, Headers, Request};

use crate::http::HttpResponse;
use crate::stage::Early;

/// Which kind of edge function ran (CloudFront names the failure after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    /// A CloudFront Function.
    CloudFrontFunction,
    /// A Lambda@Edge function.
    LambdaEdge,
}

/// Headers CloudFront keeps back from a function, to put back after it.
#[derive(Debug, Default)]
pub struct Withheld(Vec<(String, Vec<HeaderEntry>)>);

/// `request` as an edge function sees it: without the disallowed headers (kept in [`Withheld`]).
pub fn exposed(mut request: Request) -> (Request, Withheld) {
    let mut withheld = Vec::new();
    request.headers.0.retain(|name, entries| {
        if is_disallowed(name) {
            withheld.push((name.clone(), std::mem::take(entries)));
            false
        } else {
            true
        }
    });
    (request, Withheld(withheld))
}

/// The headers the function added, changed or deleted, by lowercase name, in a stable order.
pub fn edited(before: &Headers, after: &Headers) -> Vec<String> {
    let values = |headers: &Headers, name: &str| -> Vec<String> {
        headers
            .0
            .get(name)
            .map(|entries| entries.iter().map(|e| e.value.clone()).collect())
            .unwrap_or_default()
    };
    let mut names: Vec<String> = before
        .0
        .keys()
        .chain(after.0.keys())
        .filter(|name| {
            before.0.contains_key(*name) != after.0.contains_key(*name)
                || values(before, name) != values(after, name)
        })
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `forwarded` (what the function handed on, over `seen`, what it was shown) when CloudFront
/// accepts its header edits at `trigger`, with the withheld headers put back; else CloudFront's
/// 502.
pub fn accept(
    trigger: Trigger,
    kind: FunctionKind,
    seen: &Headers,
    mut forwarded: Request,
    withheld: Withheld,
) -> Result<Request, Early> {
    for name in edited(seen, &forwarded.headers) {
        if let Some(refusal) = edit_refusal(trigger, &name) {
            return Err(refused(kind, &name, refusal));
        }
    }
    for (name, entries) in withheld.0 {
        forwarded.headers.0.insert(name, entries);
    }
    Ok(forwarded)
}

/// CloudFront's answer to a function that edited a header it may not.
fn refused(kind: FunctionKind, name: &str, refusal: EditRefusal) -> Early {
    let what = match refusal {
        EditRefusal::Disallowed => "add a disallowed header",
        EditRefusal::ReadOnly => "add, delete, or change a read-only header",
    };
    let (function, x_cache) = match kind {
        FunctionKind::CloudFrontFunction => (
            "CloudFront function",
            "FunctionValidationError from cloudfront",
        ),
        FunctionKind::LambdaEdge => ("Lambda function", "LambdaValidationError from cloudfront"),
    };
    let body = serde_json::json!({
        "message": format!("The {function} result failed validation: The function tried to {what}."),
    });
    Early::new(
        HttpResponse::json(502, body.to_string()),
        x_cache,
        format!("edge function edited the header {name} ({refusal:?})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudfront::test_request as request;

    fn run(
        trigger: Trigger,
        before: &[(&str, &str)],
        after: &[(&str, &str)],
    ) -> Result<Request, Early> {
        let (seen, withheld) = exposed(request(before));
        accept(
            trigger,
            FunctionKind::LambdaEdge,
            &seen.headers,
            request(after),
            withheld,
        )
    }

    fn assert_502(result: Result<Request, Early>, x_cache: &str, message: &str) {
        let early = result.expect_err("CloudFront refuses the edit");
        assert_eq!((early.response.status, early.x_cache), (502, x_cache));
        let body: serde_json::Value = serde_json::from_slice(&early.response.body).unwrap();
        assert!(
            body["message"].as_str().unwrap().ends_with(message),
            "{body}"
        );
    }

    const READ_ONLY: &str = "The function tried to add, delete, or change a read-only header.";
    const DISALLOWED: &str = "The function tried to add a disallowed header.";

    #[test]
    fn changing_a_header_read_only_at_viewer_request_is_a_502() {
        let result = run(
            Trigger::ViewerRequest,
            &[("host", "api.example.com")],
            &[("host", "evil.example")],
        );
        assert_502(result, "LambdaValidationError from cloudfront", READ_ONLY);
    }

    #[test]
    fn deleting_a_read_only_header_is_a_502() {
        let result = run(
            Trigger::OriginRequest,
            &[("via", "2.0 x (CloudFront)")],
            &[],
        );
        assert_502(result, "LambdaValidationError from cloudfront", READ_ONLY);
    }

    #[test]
    fn adding_a_read_only_header_is_a_502() {
        let result = run(Trigger::OriginRequest, &[], &[("if-none-match", "\"e\"")]);
        assert_502(result, "LambdaValidationError from cloudfront", READ_ONLY);
    }

    #[test]
    fn adding_a_disallowed_header_is_a_502() {
        for name in ["x-amz-cf-id", "x-edge-location", "connection", "x-real-ip"] {
            let result = run(Trigger::ViewerRequest, &[], &[(name, "1")]);
            assert_502(result, "LambdaValidationError from cloudfront", DISALLOWED);
        }
    }

    #[test]
    fn a_cloudfront_function_gets_its_own_validation_error() {
        let (seen, withheld) = exposed(request(&[("host", "a")]));
        let result = accept(
            Trigger::ViewerRequest,
            FunctionKind::CloudFrontFunction,
            &seen.headers,
            request(&[("host", "b")]),
            withheld,
        );
        let early = result.expect_err("refused");
        assert_eq!(early.x_cache, "FunctionValidationError from cloudfront");
        assert!(String::from_utf8_lossy(&early.response.body).contains("CloudFront function"));
    }

    #[test]
    fn a_header_read_only_only_at_origin_request_may_change_at_viewer_request() {
        let result = run(
            Trigger::ViewerRequest,
            &[("if-none-match", "\"a\"")],
            &[("if-none-match", "\"b\"")],
        );
        assert!(result.is_ok());
    }

    #[test]
    fn deleting_an_ordinary_header_and_adding_another_is_accepted() {
        let forwarded = run(
            Trigger::ViewerRequest,
            &[("x-origin-secret", "s"), ("host", "api.example.com")],
            &[("host", "api.example.com"), ("x-content-sha256", "h")],
        )
        .unwrap();
        assert_eq!(
            forwarded.headers.names().collect::<Vec<_>>(),
            ["host", "x-content-sha256"]
        );
    }

    #[test]
    fn a_disallowed_header_is_withheld_from_the_function_and_put_back() {
        let (seen, withheld) = exposed(request(&[("x-amz-cf-id", "cf"), ("accept", "*/*")]));
        assert_eq!(seen.headers.names().collect::<Vec<_>>(), ["accept"]);
        let forwarded = accept(
            Trigger::OriginRequest,
            FunctionKind::LambdaEdge,
            &seen.headers,
            seen.clone(),
            withheld,
        )
        .unwrap();
        assert_eq!(forwarded.headers.0["x-amz-cf-id"][0].value, "cf");
    }

    #[test]
    fn a_key_casing_change_alone_is_no_edit() {
        let mut after = request(&[("host", "a")]);
        after.headers.0["host"][0].key = Some("HOST".into());
        assert!(edited(&request(&[("host", "a")]).headers, &after.headers).is_empty());
    }
}
