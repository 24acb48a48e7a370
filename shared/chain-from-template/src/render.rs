//! Intrinsic functions rendered as text, the way `oac_doctor::model`'s module doc says: `Ref` →
//! `${LogicalId}`, `Fn::GetAtt` → `${LogicalId.Attribute}`, a pseudo parameter → `${AWS::AccountId}`,
//! `Fn::Join`/`Fn::Sub` → the concatenation, `Fn::ImportValue` → `${ImportValue:Name}`, and the
//! `Fn::Select`/`Fn::Split` CDK writes for a URL's host → the host of a literal URL, or the rendered
//! URL itself when it is symbolic (`${Url.FunctionUrl}`). Pure.

use serde_json::Value;

/// `value` as text. Anything this module does not know renders as its JSON, so two different
/// values never render the same.
pub fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(map) if map.len() == 1 => {
            let (name, arg) = map.iter().next().expect("one entry");
            intrinsic(name, arg).unwrap_or_else(|| value.to_string())
        }
        _ => value.to_string(),
    }
}

fn intrinsic(name: &str, arg: &Value) -> Option<String> {
    match name {
        "Ref" => Some(format!("${{{}}}", arg.as_str()?)),
        "Fn::GetAtt" => {
            let (logical, attr) = get_att(arg)?;
            Some(format!("${{{logical}.{attr}}}"))
        }
        "Fn::Join" => {
            let [sep, parts] = arg.as_array()?.as_slice() else {
                return None;
            };
            let parts: Vec<String> = parts.as_array()?.iter().map(render).collect();
            Some(parts.join(sep.as_str()?))
        }
        "Fn::Sub" => sub(arg),
        "Fn::ImportValue" => Some(format!("${{ImportValue:{}}}", render(arg))),
        "Fn::Select" => select(arg),
        _ => None,
    }
}

/// The logical ID and attribute of a `Fn::GetAtt` argument (`["L", "A"]` or `"L.A"`).
pub fn get_att(arg: &Value) -> Option<(&str, &str)> {
    match arg {
        Value::Array(parts) => match parts.as_slice() {
            [Value::String(l), Value::String(a)] => Some((l, a)),
            _ => None,
        },
        Value::String(s) => s.split_once('.'),
        _ => None,
    }
}

/// `Fn::Sub`: the string with each `${Name}` replaced by its variable's rendering when the
/// variable map has it (else kept: it already reads as the module doc's rendering), `${!x}` →
/// `${x}`.
fn sub(arg: &Value) -> Option<String> {
    let (text, vars) = match arg {
        Value::String(s) => (s.as_str(), None),
        Value::Array(a) => match a.as_slice() {
            [Value::String(s), Value::Object(vars)] => (s.as_str(), Some(vars)),
            _ => return None,
        },
        _ => return None,
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        let name = &after[..end];
        match (name.strip_prefix('!'), vars.and_then(|v| v.get(name))) {
            (Some(literal), _) => out.push_str(&format!("${{{literal}}}")),
            (None, Some(var)) => out.push_str(&render(var)),
            (None, None) => out.push_str(&format!("${{{name}}}")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `Fn::Select` of `Fn::Split`: the part of a literal string; of a symbolic URL split on `/`, part
/// 2 (its host) is the rendered URL (the model doc's `${Url.FunctionUrl}`'s host).
fn select(arg: &Value) -> Option<String> {
    let [index, list] = arg.as_array()?.as_slice() else {
        return None;
    };
    let index = usize::try_from(index.as_u64().or_else(|| index.as_str()?.parse().ok())?).ok()?;
    match list {
        Value::Array(items) => items.get(index).map(render),
        Value::Object(map) => {
            let [sep, source] = map.get("Fn::Split")?.as_array()?.as_slice() else {
                return None;
            };
            let sep = sep.as_str()?;
            match source {
                Value::String(s) => s.split(sep).nth(index).map(str::to_owned),
                symbolic if sep == "/" && index == 2 => Some(render(symbolic)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_refs_atts_and_pseudo_parameters() {
        assert_eq!(render(&json!({"Ref": "Dist"})), "${Dist}");
        assert_eq!(
            render(&json!({"Ref": "AWS::AccountId"})),
            "${AWS::AccountId}"
        );
        assert_eq!(render(&json!({"Fn::GetAtt": ["Fn", "Arn"]})), "${Fn.Arn}");
        assert_eq!(render(&json!({"Fn::GetAtt": "Fn.Arn"})), "${Fn.Arn}");
        assert_eq!(render(&json!(true)), "true");
    }

    #[test]
    fn join_and_sub_render_the_distribution_arn_alike() {
        let join = json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":cloudfront::",
            {"Ref": "AWS::AccountId"}, ":distribution/", {"Ref": "Dist"}]]});
        let sub = json!({"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Dist}"});
        let want = "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Dist}";
        assert_eq!(render(&join), want);
        assert_eq!(render(&sub), want);
    }

    #[test]
    fn sub_uses_its_variables_and_keeps_escapes() {
        let v = json!({"Fn::Sub": ["a/${D}/${!Literal}/${Other}", {"D": {"Ref": "Dist"}}]});
        assert_eq!(render(&v), "a/${Dist}/${Literal}/${Other}");
        assert_eq!(render(&json!({"Fn::Sub": "open ${"})), "open ${");
    }

    #[test]
    fn a_function_urls_host() {
        let symbolic = json!({"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::GetAtt": ["Url", "FunctionUrl"]}]}]});
        assert_eq!(render(&symbolic), "${Url.FunctionUrl}");
        let literal = json!({"Fn::Select": [2, {"Fn::Split": ["/", "https://abc.lambda-url.eu-west-1.on.aws/"]}]});
        assert_eq!(render(&literal), "abc.lambda-url.eu-west-1.on.aws");
        assert_eq!(render(&json!({"Fn::Select": ["1", ["a", "b"]]})), "b");
    }

    #[test]
    fn import_value_and_unknown_functions() {
        assert_eq!(
            render(&json!({"Fn::ImportValue": "ApiUrl"})),
            "${ImportValue:ApiUrl}"
        );
        let odd = json!({"Fn::If": ["C", "a", "b"]});
        assert_eq!(render(&odd), odd.to_string());
        let bad = json!({"Fn::Select": [9, {"Fn::Split": ["/", {"Ref": "X"}]}]});
        assert_eq!(render(&bad), bad.to_string());
    }
}
