//! Each cause the probe tells apart, from answers shaped as Lambda, CloudFront, the edge
//! functions and Cloudflare send them.

use super::*;

const LAMBDA_FORBIDDEN: &str = r#"{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}"#;
const LAMBDA_SIGNATURE: &str = r#"{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}"#;
const CLOUDFRONT_403_PAGE: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"><HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1><H2>The request could not be satisfied.</H2><HR noshade size=\"1px\">Request blocked.\nWe can't connect to the server for this app or website at this time.</BODY></HTML>";

fn get() -> ProbeRequest {
    plan("/health").remove(0)
}

fn post() -> ProbeRequest {
    plan("/health").remove(1)
}

/// An answer through CloudFront (`x-amz-cf-id`, `via`) with `x_cache` and `headers`.
fn answer(
    request: ProbeRequest,
    status: u16,
    x_cache: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> ProbeAnswer {
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    all.extend([
        ("x-cache".to_owned(), x_cache.to_owned()),
        (
            "via".to_owned(),
            "1.1 abc.cloudfront.net (CloudFront)".to_owned(),
        ),
        ("x-amz-cf-pop".to_owned(), "FRA56-P1".to_owned()),
        ("x-amz-cf-id".to_owned(), "Zq3…==".to_owned()),
    ]);
    ProbeAnswer {
        request,
        status,
        headers: all,
        body: body.as_bytes().to_vec(),
    }
}

fn json() -> (&'static str, &'static str) {
    ("content-type", "application/json")
}

fn problem(slug: &str, status: u16) -> String {
    problem_details::Problem::new(slug, "T", status).to_json()
}

#[test]
fn the_plan_is_a_get_and_a_small_post_without_credentials_or_body_hash() {
    let plan = plan("/v1/health?x=1");
    assert_eq!(
        plan.iter()
            .map(|r| (r.method.as_str(), r.path.as_str()))
            .collect::<Vec<_>>(),
        [("GET", "/v1/health?x=1"), ("POST", "/v1/health?x=1")]
    );
    assert!(plan[0].body.is_empty());
    assert!(!plan[1].body.is_empty() && plan[1].body.len() < 100);
    serde_json::from_slice::<serde_json::Value>(&plan[1].body).expect("the POST body is JSON");
    for request in &plan {
        for (name, _) in &request.headers {
            let name = name.to_ascii_lowercase();
            assert!(
                ![
                    "authorization",
                    "x-fluid-identity",
                    "x-amz-content-sha256",
                    "cookie"
                ]
                .contains(&name.as_str()),
                "{name}"
            );
        }
    }
    assert_eq!(super::plan("")[0].path, "/");
}

#[test]
fn a_success_is_ok_and_names_no_check() {
    let d = explain(&answer(get(), 200, "Miss from cloudfront", &[json()], "{}"));
    assert!(d.ok, "{d:?}");
    assert!(d.checks.is_empty());
    assert_eq!(d.summary, "GET /health → 200");
}

#[test]
fn the_functions_own_4xx_through_cloudfront_is_ok() {
    let body = problem("not-found", 404);
    let d = explain(&answer(
        post(),
        404,
        "Error from cloudfront",
        &[("content-type", "application/problem+json")],
        &body,
    ));
    assert!(d.ok, "{d:?}");
}

#[test]
fn lambdas_access_denied_names_the_grants_the_auth_type_oac_and_the_host() {
    let d = explain(&answer(
        get(),
        403,
        "Error from cloudfront",
        &[json(), ("x-amzn-errortype", "AccessDeniedException")],
        LAMBDA_FORBIDDEN,
    ));
    assert!(!d.ok);
    assert!(d.cause.contains("AccessDeniedException"), "{}", d.cause);
    assert!(
        d.cause.contains("Forbidden. For troubleshooting"),
        "{}",
        d.cause
    );
    for id in [
        "grant-invoke-function",
        "grant-invoke-function-url",
        "function-url-auth",
        "oac-signing",
        "host-not-forwarded",
    ] {
        assert!(d.checks.contains(&id), "{id}: {:?}", d.checks);
    }
}

#[test]
fn lambdas_forbidden_body_is_recognised_without_the_error_type_header() {
    let d = explain(&answer(
        get(),
        403,
        "Error from cloudfront",
        &[json()],
        LAMBDA_FORBIDDEN,
    ));
    assert!(d.checks.contains(&"grant-invoke-function"), "{d:?}");
}

#[test]
fn a_signature_mismatch_on_an_unhashed_post_body_names_body_hash() {
    let d = explain(&answer(
        post(),
        403,
        "Error from cloudfront",
        &[json(), ("x-amzn-errortype", "InvalidSignatureException")],
        LAMBDA_SIGNATURE,
    ));
    assert!(!d.ok);
    assert_eq!(d.checks, ["body-hash"]);
    assert!(d.cause.contains("x-amz-content-sha256"), "{}", d.cause);
}

#[test]
fn a_signature_mismatch_without_a_body_names_the_forwarded_host_and_signing() {
    let d = explain(&answer(
        get(),
        403,
        "Error from cloudfront",
        &[json(), ("x-amzn-ErrorType", "InvalidSignatureException")],
        LAMBDA_SIGNATURE,
    ));
    assert!(!d.ok);
    assert_eq!(d.checks, ["host-not-forwarded", "oac-signing"]);
}

#[test]
fn an_unknown_key_names_oac_signing() {
    let d = explain(&answer(
        get(),
        403,
        "Error from cloudfront",
        &[json(), ("x-amzn-errortype", "UnrecognizedClientException")],
        r#"{"message":"The security token included in the request is invalid."}"#,
    ));
    assert_eq!((d.ok, d.checks), (false, vec!["oac-signing"]));
}

#[test]
fn the_viewer_filters_refusal_names_the_filter_and_the_origin_secret() {
    let body = ip_filter_core::forbidden_problem().to_json();
    for x_cache in [
        "FunctionGeneratedResponse from cloudfront",
        "LambdaGeneratedResponse from cloudfront",
    ] {
        let d = explain(&answer(
            get(),
            403,
            x_cache,
            &[
                ("content-type", "application/problem+json"),
                ("server", "CloudFront"),
            ],
            &body,
        ));
        assert!(!d.ok);
        assert_eq!(
            d.checks,
            ["viewer-filter", "origin-secret-header"],
            "{x_cache}"
        );
        assert!(d.cause.contains("not-from-cloudflare"), "{}", d.cause);
    }
}

#[test]
fn body_hash_without_include_body_names_body_hash() {
    let body = problem(body_hash_core::INCLUDE_BODY_DISABLED, 500);
    let d = explain(&answer(
        post(),
        500,
        "LambdaGeneratedResponse from cloudfront",
        &[("content-type", "application/problem+json")],
        &body,
    ));
    assert_eq!((d.ok, d.checks), (false, vec!["body-hash"]));
}

#[test]
fn lambda_edge_failures_name_the_edge_function_version() {
    for (status, x_cache) in [
        (502, "LambdaValidationError from cloudfront"),
        (503, "LambdaExecutionError from cloudfront"),
    ] {
        let d = explain(&answer(get(), status, x_cache, &[json()], "{}"));
        assert!(!d.ok);
        assert_eq!(d.checks, ["edge-function-version"], "{x_cache}");
        assert!(d.cause.contains(x_cache), "{}", d.cause);
    }
    let d = explain(&answer(
        get(),
        503,
        "LambdaLimitExceeded from cloudfront",
        &[],
        "",
    ));
    assert!(!d.ok && d.checks.is_empty() && d.cause.contains("throttled"));
}

#[test]
fn a_cloudfront_function_that_throws_names_the_kvs_association() {
    let d = explain(&answer(
        get(),
        503,
        "FunctionExecutionError from cloudfront",
        &[],
        "",
    ));
    assert!(!d.ok);
    assert!(d.checks.contains(&"kvs-association"), "{d:?}");
}

#[test]
fn cloudfronts_own_403_page_is_not_lambdas() {
    let d = explain(&answer(
        post(),
        403,
        "Error from cloudfront",
        &[("server", "CloudFront"), ("content-type", "text/html")],
        CLOUDFRONT_403_PAGE,
    ));
    assert!(!d.ok);
    assert!(d.cause.contains("CloudFront itself"), "{}", d.cause);
    assert!(d.cause.contains("WAF"), "{}", d.cause);
    assert!(!d.checks.contains(&"grant-invoke-function"));
}

#[test]
fn a_504_is_the_origin_timing_out() {
    let d = explain(&answer(
        get(),
        504,
        "Error from cloudfront",
        &[("server", "CloudFront"), ("content-type", "text/html")],
        "<HTML><BODY><H1>504 Gateway Timeout ERROR</H1>The request could not be satisfied.</BODY></HTML>",
    ));
    assert!(!d.ok);
    assert!(d.cause.contains("504 Gateway Timeout"), "{}", d.cause);
}

#[test]
fn a_redirect_is_reported_not_followed() {
    let d = explain(&answer(
        get(),
        302,
        "Miss from cloudfront",
        &[("location", "https://login.example.com/")],
        "",
    ));
    assert!(d.ok);
    assert!(
        d.cause.contains("https://login.example.com/"),
        "{}",
        d.cause
    );
    let d = explain(&answer(
        get(),
        301,
        "Redirect from cloudfront",
        &[("location", "https://api.example.com/health")],
        "",
    ));
    assert_eq!((d.ok, d.checks), (false, vec!["viewer-tls"]));
}

#[test]
fn an_answer_without_cloudfronts_headers_is_unknown_never_ok() {
    for (status, headers) in [
        (200, vec![("server", "nginx")]),
        (403, vec![("server", "cloudflare"), ("cf-ray", "8f…-FRA")]),
    ] {
        let d = explain(&ProbeAnswer {
            request: get(),
            status,
            headers: headers
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect(),
            body: b"nope".to_vec(),
        });
        assert!(!d.ok, "{d:?}");
        assert!(d.cause.starts_with("unknown"), "{}", d.cause);
        assert!(d.checks.is_empty());
    }
}

#[test]
fn an_unrecognised_error_through_cloudfront_is_unknown_never_ok() {
    for (status, x_cache, headers, body) in [
        (500, "Error from cloudfront", vec![json()], "{\"oops\":1}"),
        (
            403,
            "FunctionGeneratedResponse from cloudfront",
            vec![("content-type", "text/plain")],
            "go away",
        ),
        (
            429,
            "Error from cloudfront",
            vec![json(), ("x-amzn-errortype", "TooManyRequestsException")],
            "{\"message\":\"Rate exceeded\"}",
        ),
    ] {
        let d = explain(&answer(get(), status, x_cache, &headers, body));
        assert!(!d.ok, "{d:?}");
        assert!(d.cause.starts_with("unknown"), "{}", d.cause);
    }
}

#[test]
fn a_long_body_is_quoted_short_on_one_line() {
    let body = format!("{{\"Message\":\"{}\\n{}\"}}", "x".repeat(300), "y");
    let d = explain(&answer(
        get(),
        403,
        "Error from cloudfront",
        &[("x-amzn-errortype", "AccessDeniedException")],
        &body,
    ));
    assert!(!d.cause.contains('\n'));
    assert!(d.cause.len() < 1000, "{}", d.cause.len());
}

#[test]
fn every_check_the_probe_names_is_one_of_the_checks() {
    let ids: Vec<&str> = crate::checks::all().iter().map(|c| c.id).collect();
    let named: Vec<&str> = causes::NAMED
        .iter()
        .flat_map(|l| l.iter().copied())
        .collect();
    assert!(!named.is_empty());
    for id in named {
        assert!(
            ids.contains(&id),
            "{id} is not one of checks::all(): {ids:?}"
        );
    }
}
