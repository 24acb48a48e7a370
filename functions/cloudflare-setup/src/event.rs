//! The provider framework's events and answers (the CloudFormation custom resource request, plus
//! onEvent's answer merged in for isComplete).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `RequestType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum RequestType {
    /// A new resource.
    Create,
    /// Changed properties (`OldResourceProperties` holds the previous ones).
    Update,
    /// Removal (also CloudFormation's cleanup of a replaced resource, with its own properties).
    Delete,
}

/// The fields of the event this function reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Event {
    /// Create, Update or Delete.
    pub request_type: RequestType,
    /// The stack's ARN.
    pub stack_id: String,
    /// The resource's logical id in the template.
    pub logical_resource_id: String,
    /// Absent on Create's onEvent; on isComplete, what onEvent answered.
    #[serde(default)]
    pub physical_resource_id: Option<String>,
    /// The properties (with `ServiceToken`).
    pub resource_properties: Value,
    /// Update only: the previous properties.
    #[serde(default)]
    pub old_resource_properties: Option<Value>,
}

/// onEvent's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OnEventAnswer {
    /// The physical resource id.
    pub physical_resource_id: String,
    /// Attributes (`Fn::GetAtt`).
    pub data: Map<String, Value>,
}

/// isComplete's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IsCompleteAnswer {
    /// Done (false: the framework asks again after its query interval).
    pub is_complete: bool,
    /// Attributes, merged over onEvent's.
    pub data: Map<String, Value>,
}

/// `{ key: value }`.
pub fn data(key: &str, value: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(key.to_owned(), Value::String(value.to_owned()));
    map
}
