//! The two phases: parse the event, dispatch by kind, answer in the provider framework's shape.
//! One JSON log line per event (phase, request type, kind, physical id, outcome, reason), never
//! a secret.

use serde_json::{Value, json};

use crate::event::{Event, IsCompleteAnswer, OnEventAnswer, RequestType};
use crate::props::{self, Props};
use crate::{certificate, zone};

/// `CR_PHASE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The provider's onEvent handler.
    OnEvent,
    /// The provider's isComplete handler.
    IsComplete,
}

impl Phase {
    /// `on-event` | `is-complete`.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "on-event" => Ok(Self::OnEvent),
            "is-complete" => Ok(Self::IsComplete),
            other => Err(format!(
                "CR_PHASE {other:?}: \"on-event\" or \"is-complete\""
            )),
        }
    }
}

/// The clients and settings, made once per instance.
#[derive(Debug, Clone)]
pub struct Env {
    /// `CLOUDFLARE_API_BASE`.
    pub cloudflare_base: String,
    /// ACM in us-east-1.
    pub acm: aws_sdk_acm::Client,
    /// Secrets Manager.
    pub secrets: aws_sdk_secretsmanager::Client,
}

/// One event of `phase`: the answer (JSON) or the failure reason.
pub async fn handle(env: &Env, phase: Phase, event: Value) -> Result<Value, String> {
    let parsed: Result<(Event, Props), String> = serde_json::from_value::<Event>(event)
        .map_err(|e| format!("not a CloudFormation custom resource event: {e}"))
        .and_then(|ev| props::parse(&ev.resource_properties).map(|p| (ev, p)));
    let (event, props) = match parsed {
        Ok(x) => x,
        Err(reason) => {
            log(phase, None, "", None, &Err(reason.clone()));
            return Err(reason);
        }
    };
    let kind = match props {
        Props::Certificate(_) => "Certificate",
        Props::Zone(_) => "Zone",
    };
    let answer = match (phase, props) {
        (Phase::OnEvent, Props::Certificate(p)) => certificate::on_event(env, &event, &p)
            .await
            .map(on_event_json),
        (Phase::OnEvent, Props::Zone(p)) => {
            zone::on_event(env, &event, &p).await.map(on_event_json)
        }
        (Phase::IsComplete, Props::Certificate(p)) => certificate::is_complete(env, &event, &p)
            .await
            .map(is_complete_json),
        (Phase::IsComplete, Props::Zone(_)) => Ok(is_complete_json(IsCompleteAnswer {
            is_complete: true,
            data: serde_json::Map::new(),
        })),
    };
    log(
        phase,
        Some(event.request_type),
        kind,
        event.physical_resource_id.as_deref(),
        &answer,
    );
    answer
}

fn on_event_json(answer: OnEventAnswer) -> Value {
    serde_json::to_value(answer).unwrap_or(Value::Null)
}

fn is_complete_json(answer: IsCompleteAnswer) -> Value {
    serde_json::to_value(answer).unwrap_or(Value::Null)
}

fn log(
    phase: Phase,
    request: Option<RequestType>,
    kind: &str,
    physical: Option<&str>,
    answer: &Result<Value, String>,
) {
    let line = json!({
        "phase": format!("{phase:?}"),
        "request_type": request.map(|r| format!("{r:?}")),
        "kind": kind,
        "physical_resource_id": answer.as_ref().ok().and_then(|a| a.get("PhysicalResourceId")).and_then(Value::as_str).or(physical),
        "is_complete": answer.as_ref().ok().and_then(|a| a.get("IsComplete")),
        "outcome": if answer.is_ok() { "ok" } else { "failed" },
        "reason": answer.as_ref().err(),
    });
    println!("{line}");
}
