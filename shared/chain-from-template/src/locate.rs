//! Which resource a value refers to, across the assembly's stacks: `Ref`, `Fn::GetAtt`,
//! `Fn::ImportValue` (to the stack exporting it), the host of a URL (`Fn::Select`/`Fn::Split`), and
//! CDK's cross-region SSM reader (`Custom::CrossRegionStringParameterReader`, which
//! `cloudfront.experimental.EdgeFunction` uses) to the parameter's value in the us-east-1 support
//! stack. What is not defined here is an `Err` with the reason (it becomes `Known::Unknown`). Pure.

use serde_json::Value;

use crate::input::Assembly;
use crate::render::{get_att, render};

/// A resource a value refers to.
#[derive(Debug, Clone, Copy)]
pub struct Res<'a> {
    /// Index of its stack in [`Assembly::stacks`].
    pub stack: usize,
    /// Its logical ID.
    pub logical: &'a str,
    /// The resource.
    pub body: &'a Value,
}

impl<'a> Res<'a> {
    /// Its `Type`.
    pub fn ty(&self) -> &'a str {
        self.body.get("Type").and_then(Value::as_str).unwrap_or("")
    }

    /// Its `Properties` (`Null` if it has none).
    pub fn props(&self) -> &'a Value {
        self.body.get("Properties").unwrap_or(&Value::Null)
    }

    /// One property.
    pub fn prop(&self, name: &str) -> Option<&'a Value> {
        self.props().get(name)
    }

    /// `AWS::Lambda::Url ApiFunctionUrl736CA4E4`, how the report names it.
    pub fn label(&self) -> String {
        format!("{} {}", self.ty(), self.logical)
    }
}

/// The resource `logical` of stack `stack`, if it has one.
pub fn resource<'a>(a: &'a Assembly, stack: usize, logical: &str) -> Option<Res<'a>> {
    let (logical, body) = a.stacks[stack]
        .template
        .get("Resources")?
        .as_object()?
        .get_key_value(logical)?;
    Some(Res {
        stack,
        logical,
        body,
    })
}

/// Every resource of every stack, in order.
pub fn all(a: &Assembly) -> impl Iterator<Item = Res<'_>> {
    a.stacks.iter().enumerate().flat_map(|(stack, s)| {
        s.template
            .get("Resources")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(logical, body)| Res {
                stack,
                logical,
                body,
            })
    })
}

/// The resource `value` (in stack `stack`) refers to, followed across stacks.
pub fn resolve<'a>(a: &'a Assembly, stack: usize, value: &'a Value) -> Result<Res<'a>, String> {
    resolve_depth(a, stack, value, 0)
}

fn resolve_depth<'a>(
    a: &'a Assembly,
    stack: usize,
    value: &'a Value,
    depth: u8,
) -> Result<Res<'a>, String> {
    if depth > 8 {
        return Err(format!("`{}`: references nest too deep", render(value)));
    }
    let outside = || format!("`{}` is not defined in the template", render(value));
    let Some((name, arg)) = value
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next())
    else {
        return Err(outside());
    };
    let found = match name.as_str() {
        "Ref" => {
            let logical = arg.as_str().ok_or_else(outside)?;
            if logical.starts_with("AWS::") {
                return Err(format!("`${{{logical}}}` is a pseudo parameter"));
            }
            if a.stacks[stack]
                .template
                .pointer(&format!("/Parameters/{logical}"))
                .is_some()
            {
                return Err(format!(
                    "`${{{logical}}}` is a template parameter, set at deploy time"
                ));
            }
            resource(a, stack, logical).ok_or_else(outside)?
        }
        "Fn::GetAtt" => {
            let (logical, _attribute) = get_att(arg).ok_or_else(outside)?;
            resource(a, stack, logical).ok_or_else(outside)?
        }
        "Fn::ImportValue" => {
            let export = render(arg);
            let (s, v) = exported(a, &export)
                .ok_or_else(|| format!("imports `{export}`, which no stack here exports"))?;
            return resolve_depth(a, s, v, depth + 1);
        }
        "Fn::Select" => {
            let inner = arg
                .as_array()
                .and_then(|p| p.get(1))
                .and_then(|l| l.get("Fn::Split"))
                .and_then(|s| s.as_array())
                .and_then(|s| s.get(1))
                .ok_or_else(outside)?;
            return resolve_depth(a, stack, inner, depth + 1);
        }
        _ => return Err(outside()),
    };
    if found.ty() == "Custom::CrossRegionStringParameterReader" {
        let (s, v) = ssm_parameter(a, found)?;
        return resolve_depth(a, s, v, depth + 1);
    }
    Ok(found)
}

/// The stack and value of the output exported as `name`.
fn exported<'a>(a: &'a Assembly, name: &str) -> Option<(usize, &'a Value)> {
    a.stacks.iter().enumerate().find_map(|(s, stack)| {
        stack
            .template
            .get("Outputs")?
            .as_object()?
            .values()
            .find(|o| o.pointer("/Export/Name").map(render).as_deref() == Some(name))
            .and_then(|o| o.get("Value"))
            .map(|v| (s, v))
    })
}

/// The `AWS::SSM::Parameter` (in a stack of the reader's `Region`, when the stack's region is
/// known) the reader reads, and its value.
fn ssm_parameter<'a>(a: &'a Assembly, reader: Res<'a>) -> Result<(usize, &'a Value), String> {
    let name = reader.prop("ParameterName").map(render).unwrap_or_default();
    let region = reader.prop("Region").and_then(Value::as_str);
    all(a)
        .filter(|r| r.ty() == "AWS::SSM::Parameter")
        .filter(|r| r.prop("Name").map(render).as_deref() == Some(name.as_str()))
        .find(|r| match (&a.stacks[r.stack].region, region) {
            (Some(stack_region), Some(want)) => stack_region == want,
            _ => true,
        })
        .and_then(|r| r.prop("Value").map(|v| (r.stack, v)))
        .ok_or_else(|| {
            format!(
                "{} reads SSM parameter {name} (written by a stack not in this assembly)",
                reader.label()
            )
        })
}

/// The `AWS::Lambda::Function` a function reference (a `FunctionName`, a URL's
/// `TargetFunctionArn`) names.
pub fn function<'a>(a: &'a Assembly, stack: usize, value: &'a Value) -> Result<Res<'a>, String> {
    function_of(a, resolve(a, stack, value)?, 0)
}

/// The `AWS::Lambda::Function` behind a function, URL, version or alias resource.
pub fn function_of<'a>(a: &'a Assembly, r: Res<'a>, depth: u8) -> Result<Res<'a>, String> {
    match r.ty() {
        "AWS::Lambda::Function" => Ok(r),
        "AWS::Lambda::Url" | "AWS::Lambda::Version" | "AWS::Lambda::Alias" if depth < 4 => {
            let inner = r
                .prop("TargetFunctionArn")
                .or_else(|| r.prop("FunctionName"))
                .ok_or_else(|| format!("{} names no function", r.label()))?;
            function_of(a, resolve(a, r.stack, inner)?, depth + 1)
        }
        other => Err(format!("{} is a {other}, not a Lambda function", r.logical)),
    }
}
