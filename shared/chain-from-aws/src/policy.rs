//! A Lambda function's resource-based policy (`GetPolicy`'s JSON string) as the model's grants.
//!
//! Only `Allow` statements become grants, one per principal × action × `AWS:SourceArn` value (a
//! statement naming two actions is two grants). The conditions read are the ones the checks judge:
//! `AWS:SourceArn` under `ArnLike`, `ArnEquals`, `StringEquals` or `StringLike`;
//! `lambda:FunctionUrlAuthType` under `StringEquals`; `lambda:InvokedViaFunctionUrl` under `Bool`;
//! and `AWS:SourceAccount` under `StringEquals` (a statement whose account is not the one in its
//! `SourceArn` can never match, so it grants nothing). A statement with any other condition, or with
//! `NotPrincipal`/`NotAction`, is left out: the checks cannot judge it, so they never pass on it.
//! Condition keys compare case-insensitively, as IAM's do. A policy that is not the JSON IAM
//! documents is [`Known::Unknown`].

use oac_doctor::model::{Grant, Known};
use serde_json::{Map, Value};

/// The grants of `policy` (the `Policy` string `GetPolicy` returns).
pub fn grants(policy: &str) -> Known<Vec<Grant>> {
    match parse(policy) {
        Ok(grants) => Known::Read(grants),
        Err(why) => Known::Unknown(format!(
            "GetPolicy returned a policy this reader cannot read: {why}"
        )),
    }
}

fn parse(policy: &str) -> Result<Vec<Grant>, String> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| format!("not JSON ({e})"))?;
    let statements = match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => return Err("`Statement` is neither a list nor an object".into()),
        None => return Err("no `Statement`".into()),
    };
    let mut grants = Vec::new();
    for (index, statement) in statements.into_iter().enumerate() {
        let statement = statement
            .as_object()
            .ok_or_else(|| format!("statement {index} is not an object"))?;
        grants.extend(statement_grants(index, statement)?);
    }
    Ok(grants)
}

/// The conditions of one statement the checks look at.
#[derive(Default)]
struct Conditions {
    source_arns: Vec<String>,
    source_account: Option<String>,
    auth_type: Option<String>,
    invoked_via_url: Option<bool>,
    /// A condition this reader does not judge.
    other: bool,
}

fn statement_grants(index: usize, s: &Map<String, Value>) -> Result<Vec<Grant>, String> {
    let name = match s.get("Sid") {
        Some(Value::String(sid)) if !sid.is_empty() => sid.clone(),
        _ => format!("statement {index}"),
    };
    let effect = s.get("Effect").and_then(Value::as_str);
    match effect {
        Some("Allow") => {}
        Some("Deny") => return Ok(Vec::new()),
        _ => return Err(format!("{name}: `Effect` is not Allow or Deny")),
    }
    if s.contains_key("NotPrincipal") || s.contains_key("NotAction") {
        return Ok(Vec::new());
    }
    let principals = principals(s.get("Principal")).map_err(|e| format!("{name}: {e}"))?;
    let actions = strings(s.get("Action")).map_err(|e| format!("{name}: `Action` {e}"))?;
    let conditions = conditions(s.get("Condition")).map_err(|e| format!("{name}: {e}"))?;
    if conditions.other || !account_agrees(&conditions) {
        return Ok(Vec::new());
    }
    let arns: Vec<Option<String>> = if conditions.source_arns.is_empty() {
        vec![None]
    } else {
        conditions.source_arns.iter().cloned().map(Some).collect()
    };
    let mut grants = Vec::new();
    for principal in &principals {
        for action in &actions {
            for arn in &arns {
                grants.push(Grant {
                    resource: name.clone(),
                    principal: principal.clone(),
                    action: action.clone(),
                    source_arn: arn.clone(),
                    function_url_auth_type: conditions.auth_type.clone(),
                    invoked_via_function_url: conditions.invoked_via_url,
                });
            }
        }
    }
    Ok(grants)
}

/// `"*"`, `{"Service": …}`, `{"AWS": …}` (each a string or a list).
fn principals(value: Option<&Value>) -> Result<Vec<String>, String> {
    match value {
        Some(Value::String(s)) if s == "*" => Ok(vec!["*".into()]),
        Some(Value::Object(map)) if !map.is_empty() => {
            let mut out = Vec::new();
            for (kind, v) in map {
                if !matches!(
                    kind.as_str(),
                    "Service" | "AWS" | "Federated" | "CanonicalUser"
                ) {
                    return Err(format!("unknown principal kind `{kind}`"));
                }
                out.extend(strings(Some(v)).map_err(|e| format!("`Principal.{kind}` {e}"))?);
            }
            Ok(out)
        }
        _ => Err("`Principal` is not `*` or an object of principals".into()),
    }
}

/// A string or a non-empty list of strings.
fn strings(value: Option<&Value>) -> Result<Vec<String>, String> {
    match value {
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(list)) if !list.is_empty() => list
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or("holds a non-string".to_owned())
            })
            .collect(),
        _ => Err("is not a string or a list of strings".into()),
    }
}

fn conditions(value: Option<&Value>) -> Result<Conditions, String> {
    let mut c = Conditions::default();
    let Some(value) = value else { return Ok(c) };
    let operators = value.as_object().ok_or("`Condition` is not an object")?;
    for (operator, keys) in operators {
        let keys = keys
            .as_object()
            .ok_or_else(|| format!("`Condition.{operator}` is not an object"))?;
        for (key, v) in keys {
            let at = || format!("`Condition.{operator}.{key}`");
            match (operator.as_str(), key.to_ascii_lowercase().as_str()) {
                ("ArnLike" | "ArnEquals" | "StringEquals" | "StringLike", "aws:sourcearn") => {
                    c.source_arns
                        .extend(strings(Some(v)).map_err(|e| format!("{} {e}", at()))?);
                }
                ("StringEquals", "aws:sourceaccount") => c.source_account = Some(single(v, &at())?),
                ("StringEquals", "lambda:functionurlauthtype") => {
                    c.auth_type = Some(single(v, &at())?)
                }
                ("Bool", "lambda:invokedviafunctionurl") => {
                    c.invoked_via_url =
                        Some(boolean(v).ok_or_else(|| format!("{} is not true or false", at()))?);
                }
                _ => c.other = true,
            }
        }
    }
    Ok(c)
}

/// One string (a list of exactly one counts).
fn single(value: &Value, at: &str) -> Result<String, String> {
    match strings(Some(value)) {
        Ok(mut list) if list.len() == 1 => Ok(list.remove(0)),
        _ => Err(format!("{at} is not a single string")),
    }
}

/// IAM's `Bool` operator takes `"true"`/`"false"` (any case), a JSON boolean, or a list of one.
fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        Value::Array(list) if list.len() == 1 => boolean(&list[0]),
        _ => None,
    }
}

/// Whether an `AWS:SourceAccount` condition agrees with every `AWS:SourceArn` (`arn:p:svc:region:ACCOUNT:…`).
fn account_agrees(c: &Conditions) -> bool {
    let Some(account) = &c.source_account else {
        return true;
    };
    c.source_arns.iter().all(|arn| {
        arn.split(':')
            .nth(4)
            .is_none_or(|a| a.is_empty() || a.contains('*') || a == account)
    })
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
