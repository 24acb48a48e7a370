use super::*;
use serde_json::json;

const DIST: &str = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE";

fn read(policy: Value) -> Vec<Grant> {
    match grants(&policy.to_string()) {
        Known::Read(g) => g,
        Known::Unknown(why) => panic!("unexpectedly unknown: {why}"),
    }
}

fn unknown(policy: &str) -> String {
    match grants(policy) {
        Known::Unknown(why) => why,
        Known::Read(g) => panic!("read {g:?}"),
    }
}

fn policy(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Id": "default", "Statement": statements})
}

/// The two statements AWS documents for a Function URL behind OAC.
fn documented() -> Value {
    policy(json!([
        {"Sid": "AllowCloudFrontServicePrincipal", "Effect": "Allow",
         "Principal": {"Service": "cloudfront.amazonaws.com"},
         "Action": "lambda:InvokeFunctionUrl",
         "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:api",
         "Condition": {"ArnLike": {"AWS:SourceArn": DIST},
                       "StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}},
        {"Sid": "AllowCloudFrontServicePrincipalInvoke", "Effect": "Allow",
         "Principal": {"Service": "cloudfront.amazonaws.com"},
         "Action": "lambda:InvokeFunction",
         "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:api",
         "Condition": {"ArnLike": {"AWS:SourceArn": DIST},
                       "Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}
    ]))
}

#[test]
fn the_documented_pair_is_two_scoped_grants() {
    let g = read(documented());
    assert_eq!(
        g,
        vec![
            Grant {
                resource: "AllowCloudFrontServicePrincipal".into(),
                principal: "cloudfront.amazonaws.com".into(),
                action: "lambda:InvokeFunctionUrl".into(),
                source_arn: Some(DIST.into()),
                function_url_auth_type: Some("AWS_IAM".into()),
                invoked_via_function_url: None,
            },
            Grant {
                resource: "AllowCloudFrontServicePrincipalInvoke".into(),
                principal: "cloudfront.amazonaws.com".into(),
                action: "lambda:InvokeFunction".into(),
                source_arn: Some(DIST.into()),
                function_url_auth_type: None,
                invoked_via_function_url: Some(true),
            },
        ]
    );
}

#[test]
fn source_arn_is_read_under_every_operator_and_in_any_key_case() {
    for (op, key) in [
        ("ArnLike", "AWS:SourceArn"),
        ("ArnEquals", "aws:SourceArn"),
        ("StringEquals", "aws:sourcearn"),
        ("StringLike", "AWS:SourceArn"),
    ] {
        let g = read(policy(
            json!({"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Condition": {op: {key: [DIST]}}}),
        ));
        assert_eq!(g.len(), 1, "{op}");
        assert_eq!(g[0].source_arn.as_deref(), Some(DIST), "{op} {key}");
        assert_eq!(g[0].resource, "statement 0");
    }
}

#[test]
fn a_statement_with_two_actions_two_principals_and_two_arns_is_eight_grants() {
    let other = "arn:aws:cloudfront::123456789012:distribution/EOTHER";
    let g = read(policy(json!({"Sid": "Both", "Effect": "Allow",
        "Principal": {"Service": ["cloudfront.amazonaws.com", "edgelambda.amazonaws.com"]},
        "Action": ["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"],
        "Condition": {"ArnLike": {"AWS:SourceArn": [DIST, other]}}})));
    assert_eq!(g.len(), 8);
    assert!(g.iter().any(|g| g.action == "lambda:InvokeFunction"
        && g.principal == "edgelambda.amazonaws.com"
        && g.source_arn.as_deref() == Some(other)));
}

#[test]
fn unscoped_and_wildcard_principals_are_read_as_such() {
    let g = read(policy(json!([
        {"Sid": "Any", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}},
        {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "lambda:*"}
    ])));
    assert_eq!(g[0].principal, "*");
    assert_eq!(g[0].source_arn, None);
    assert_eq!(g[0].function_url_auth_type.as_deref(), Some("NONE"));
    assert_eq!(g[1].principal, "arn:aws:iam::123456789012:root");
    assert_eq!(g[1].action, "lambda:*");
}

#[test]
fn bool_takes_strings_booleans_and_a_list_of_one() {
    for (v, want) in [
        (json!("TRUE"), true),
        (json!(false), false),
        (json!(["true"]), true),
    ] {
        let g = read(policy(
            json!({"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": v}}}),
        ));
        assert_eq!(g[0].invoked_via_function_url, Some(want));
    }
}

#[test]
fn a_single_statement_object_is_read() {
    let g = read(
        json!({"Statement": {"Sid": "One", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}}),
    );
    assert_eq!(g.len(), 1);
}

#[test]
fn deny_not_principal_not_action_and_unjudged_conditions_grant_nothing() {
    let g = read(policy(json!([
        {"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction"},
        {"Sid": "NP", "Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": "lambda:InvokeFunction"},
        {"Sid": "NA", "Effect": "Allow", "Principal": "*", "NotAction": "lambda:GetFunction"},
        {"Sid": "IP", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
        {"Sid": "Op", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
         "Condition": {"StringLike": {"lambda:FunctionUrlAuthType": "AWS_*"}}}
    ])));
    assert_eq!(g, Vec::new());
}

#[test]
fn a_source_account_other_than_the_arns_grants_nothing_and_the_same_one_is_fine() {
    let stmt = |account: &str| {
        policy(
            json!({"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Condition": {"ArnLike": {"AWS:SourceArn": DIST}, "StringEquals": {"AWS:SourceAccount": account}}}),
        )
    };
    assert_eq!(read(stmt("999999999999")), Vec::new());
    assert_eq!(read(stmt("123456789012")).len(), 1);
}

#[test]
fn malformed_policies_are_unknown_with_the_reason() {
    assert!(unknown("{").contains("not JSON"));
    assert!(unknown("{}").contains("no `Statement`"));
    assert!(unknown(r#"{"Statement": 3}"#).contains("neither a list nor an object"));
    assert!(unknown(r#"{"Statement": [3]}"#).contains("statement 0 is not an object"));
    let bad = |s: Value| unknown(&policy(json!([s])).to_string());
    assert!(
        bad(json!({"Sid": "E", "Effect": "Maybe", "Principal": "*", "Action": "a"}))
            .contains("E: `Effect`")
    );
    assert!(bad(json!({"Effect": "Allow", "Action": "a"})).contains("`Principal`"));
    assert!(
        bad(json!({"Effect": "Allow", "Principal": {"Robot": "x"}, "Action": "a"}))
            .contains("Robot")
    );
    assert!(bad(json!({"Effect": "Allow", "Principal": "*", "Action": []})).contains("`Action`"));
    assert!(
        bad(json!({"Effect": "Allow", "Principal": "*", "Action": [1]})).contains("non-string")
    );
    assert!(
        bad(json!({"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": "x"}))
            .contains("`Condition`")
    );
    assert!(
        bad(json!({"Effect": "Allow", "Principal": "*", "Action": "a", "Condition": {"Bool": 1}}))
            .contains("Condition.Bool")
    );
    assert!(
        bad(json!({"Effect": "Allow", "Principal": "*", "Action": "a",
        "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "yes"}}}))
        .contains("not true or false")
    );
    assert!(
        bad(json!({"Effect": "Allow", "Principal": "*", "Action": "a",
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": ["AWS_IAM", "NONE"]}}}))
        .contains("single string")
    );
    assert!(
        bad(json!({"Effect": "Allow", "Principal": "*", "Action": "a",
        "Condition": {"ArnLike": {"AWS:SourceArn": 5}}}))
        .contains("AWS:SourceArn")
    );
}
