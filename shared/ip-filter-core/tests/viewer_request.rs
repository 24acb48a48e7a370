//! The viewer-request core on the sample Lambda@Edge events: fixture in, outcome out.

use cloudfront_event::{Event, HeaderEdit, HeaderEntry, Outcome};
use ip_filter_core::IpFilter;

fn event(name: &str) -> Event {
    let path = format!(
        "{}/../../fixtures/cloudfront/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What a passing fixture gets: the viewer's Host (`api.example.com`) in `x-forwarded-host`.
fn forwarded_with_host() -> Outcome {
    Outcome::Forward(vec![HeaderEdit::Set {
        name: "x-forwarded-host".into(),
        entries: vec![("X-Forwarded-Host".into(), "api.example.com".into())],
    }])
}

fn decide(event: &Event) -> Outcome {
    let filter = IpFilter::from_config_json("{}").unwrap();
    filter.decide_request(event.request().unwrap())
}

#[test]
fn cloudflare_ipv4_edge_passes() {
    assert_eq!(
        decide(&event("viewer-request-cloudflare-v4.json")),
        forwarded_with_host()
    );
}

#[test]
fn cloudflare_ipv6_edge_passes() {
    assert_eq!(
        decide(&event("viewer-request-cloudflare-v6.json")),
        forwarded_with_host()
    );
}

#[test]
fn direct_caller_gets_403_problem_json() {
    let Outcome::Respond(response) = decide(&event("viewer-request-direct.json")) else {
        panic!("direct caller was forwarded");
    };
    assert_eq!(response.status, "403");
    assert_eq!(response.body_encoding.as_deref(), Some("text"));
    let headers = serde_json::to_value(response.headers.as_ref().unwrap()).unwrap();
    assert_eq!(
        headers["content-type"][0]["value"],
        "application/problem+json"
    );
    assert_eq!(headers["cache-control"][0]["value"], "no-store");
    let body: serde_json::Value = serde_json::from_str(response.body.as_ref().unwrap()).unwrap();
    assert_eq!(body["type"], "urn:oac-kit:problem:not-from-cloudflare");
    assert_eq!(body["status"], 403);
}

#[test]
fn spoofed_cf_connecting_ip_is_ignored() {
    // The direct fixture claims a Cloudflare address in CF-Connecting-IP / X-Forwarded-For; only
    // clientIp counts.
    let mut e = event("viewer-request-direct.json");
    let request = &mut e.records[0].cf.request;
    for (name, key) in [
        ("cf-connecting-ip", "CF-Connecting-IP"),
        ("x-forwarded-for", "X-Forwarded-For"),
    ] {
        request
            .headers
            .0
            .insert(name.into(), vec![HeaderEntry::new(key, "172.70.34.12")]);
    }
    assert!(matches!(decide(&e), Outcome::Respond(_)));
}

#[test]
fn cloudflare_event_with_a_viewer_controlled_header_still_judged_by_client_ip() {
    // And the reverse: a Cloudflare clientIp passes whatever CF-Connecting-IP says.
    let e = event("viewer-request-cloudflare-v4.json");
    assert_eq!(
        e.request().unwrap().headers.0["cf-connecting-ip"][0].value,
        "198.51.100.7"
    );
    assert_eq!(decide(&e), forwarded_with_host());
}

#[test]
fn a_forged_x_forwarded_host_is_replaced_by_the_viewers_host() {
    let mut e = event("viewer-request-cloudflare-v4.json");
    let request = &mut e.records[0].cf.request;
    request.headers.0.insert(
        "x-forwarded-host".into(),
        vec![
            HeaderEntry::new("X-Forwarded-Host", "evil.example"),
            HeaderEntry::new("x-FORWARDED-host", "api.example.com, evil.example"),
        ],
    );
    let outcome = decide(&e);
    assert_eq!(outcome, forwarded_with_host());
    let cloudfront_event::EdgeAnswer::Forward(out) = outcome.apply_to(e.into_request().unwrap())
    else {
        panic!("not forwarded");
    };
    assert_eq!(
        out.headers.0["x-forwarded-host"],
        [HeaderEntry::new("X-Forwarded-Host", "api.example.com")]
    );
}
