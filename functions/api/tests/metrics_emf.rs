//! The EMF renderer: every measurement renders to one line that has the specification's required
//! shape, with each metric under its documented dimensions (docs/metrics.md).

mod common;

use std::time::Duration;

use api::metrics::emf::render;
use api::metrics::{
    IdentityOutcome, Measurement, Namespace, Route, StatusClass, StoreKind, StoreOperation,
    StsResult,
};
use common::emf_shape::emf_violations;
use fluid_identity::{FetchError, Rejection, StsResponse};
use serde_json::{Value, json};

const AT: u64 = 1_767_225_600_000;

fn every_measurement() -> Vec<Measurement> {
    vec![
        Measurement::Request {
            route: Route::UNMATCHED,
            status: StatusClass::of(404),
            latency: Duration::from_micros(1500),
            identity: None,
        },
        Measurement::Request {
            route: Route::UNMATCHED,
            status: StatusClass::of(503),
            latency: Duration::from_millis(20),
            identity: Some(IdentityOutcome::rejected(&Rejection::StsUnavailable)),
        },
        Measurement::StsCall {
            result: StsResult::of(&Ok(StsResponse {
                status: 200,
                content_type: None,
                body: vec![],
            })),
            latency: Duration::from_millis(35),
        },
        Measurement::StsCall {
            result: StsResult::of(&Err(FetchError::TooLarge)),
            latency: Duration::from_millis(3),
        },
        Measurement::StoreCall {
            store: StoreKind::DynamoDb,
            operation: StoreOperation::List,
            failed: true,
            latency: Duration::from_millis(12),
        },
    ]
}

fn doc(measurement: &Measurement) -> Value {
    serde_json::from_str(&render(&Namespace::default(), measurement, AT)).unwrap()
}

/// `(dimension sets, metric names)` of each directive.
fn directives(doc: &Value) -> Vec<(Value, Vec<String>)> {
    doc["_aws"]["CloudWatchMetrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let names = d["Metrics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["Name"].as_str().unwrap().to_owned())
                .collect();
            (d["Dimensions"].clone(), names)
        })
        .collect()
}

#[test]
fn every_measurement_renders_a_valid_emf_document_on_one_line() {
    for measurement in every_measurement() {
        let line = render(&Namespace::default(), &measurement, AT);
        assert_eq!(emf_violations(&line), Vec::<String>::new(), "{line}");
    }
}

#[test]
fn the_timestamp_and_namespace_are_the_given_ones() {
    let namespace = Namespace::new("Orders/Staging").unwrap();
    let line = render(&namespace, &every_measurement()[0], AT);
    let doc: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(doc["_aws"]["Timestamp"], AT);
    for directive in doc["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
        assert_eq!(directive["Namespace"], "Orders/Staging");
    }
}

#[test]
fn a_request_counts_by_route_and_status_class_and_times_by_route() {
    let doc = doc(&every_measurement()[0]);
    assert_eq!(
        directives(&doc),
        vec![
            (
                json!([["Route", "StatusClass"], ["StatusClass"]]),
                vec!["Requests".to_owned()]
            ),
            (json!([["Route"], []]), vec!["Latency".to_owned()]),
        ]
    );
    assert_eq!(
        (
            &doc["Route"],
            &doc["StatusClass"],
            &doc["Requests"],
            &doc["Latency"]
        ),
        (&json!("unmatched"), &json!("4xx"), &json!(1), &json!(1.5))
    );
}

#[test]
fn an_identity_check_counts_by_outcome() {
    let doc = doc(&every_measurement()[1]);
    assert_eq!(
        directives(&doc)[2],
        (json!([["Outcome"]]), vec!["IdentityChecks".to_owned()])
    );
    assert_eq!(
        (&doc["Outcome"], &doc["IdentityChecks"]),
        (&json!("sts-unavailable"), &json!(1))
    );
}

#[test]
fn an_sts_call_is_timed_by_result() {
    let ok = doc(&every_measurement()[2]);
    assert_eq!(
        directives(&ok),
        vec![(json!([["Result"], []]), vec!["StsLatency".to_owned()])]
    );
    assert_eq!(
        (&ok["Result"], &ok["StsLatency"]),
        (&json!("2xx"), &json!(35.0))
    );
    assert_eq!(doc(&every_measurement()[3])["Result"], "too-large");
}

#[test]
fn a_store_operation_is_timed_and_counts_its_failure() {
    let doc = doc(&every_measurement()[4]);
    assert_eq!(
        directives(&doc),
        vec![(
            json!([["Store", "Operation"], ["Store"]]),
            vec!["StoreLatency".to_owned(), "StoreErrors".to_owned()]
        )]
    );
    assert_eq!(
        (&doc["Store"], &doc["Operation"], &doc["StoreErrors"]),
        (&json!("dynamodb"), &json!("list"), &json!(1))
    );
}

// The validator itself: each broken document is caught (so a passing check means something).

#[test]
fn the_shape_check_refuses_a_dimension_that_is_not_a_top_level_member() {
    let line = r#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["Route"]],"Metrics":[{"Name":"Requests","Unit":"Count"}]}]},"Requests":1}"#;
    assert!(emf_violations(line).iter().any(|e| e.contains("dimension")));
}

#[test]
fn the_shape_check_refuses_a_metric_that_is_not_a_number() {
    let line = r#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"Requests","Unit":"Count"}]}]},"Requests":"1"}"#;
    assert!(
        emf_violations(line)
            .iter()
            .any(|e| e.contains("not a top-level number"))
    );
}

#[test]
fn the_shape_check_refuses_more_than_30_dimensions_in_a_set() {
    let keys: Vec<String> = (0..31).map(|i| format!("D{i}")).collect();
    let mut root = json!({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [
        {"Namespace": "N", "Dimensions": [keys], "Metrics": [{"Name": "M"}]}]}, "M": 1});
    for key in &keys {
        root[key] = json!("v");
    }
    assert!(
        emf_violations(&root.to_string())
            .iter()
            .any(|e| e.contains("30 keys"))
    );
}

#[test]
fn the_shape_check_refuses_more_than_100_metrics_in_a_directive() {
    let names: Vec<Value> = (0..101).map(|i| json!({"Name": format!("M{i}")})).collect();
    let mut root = json!({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [
        {"Namespace": "N", "Dimensions": [[]], "Metrics": names}]}});
    for i in 0..101 {
        root[format!("M{i}")] = json!(1);
    }
    assert!(
        emf_violations(&root.to_string())
            .iter()
            .any(|e| e.contains("100 metrics"))
    );
}

#[test]
fn the_shape_check_refuses_a_missing_timestamp() {
    let line = r#"{"_aws":{"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"M"}]}]},"M":1}"#;
    assert!(emf_violations(line).iter().any(|e| e.contains("Timestamp")));
}

#[test]
fn the_shape_check_refuses_a_unit_cloudwatch_does_not_know() {
    let line = r#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"M","Unit":"Requests"}]}]},"M":1}"#;
    assert!(emf_violations(line).iter().any(|e| e.contains("unit")));
}
