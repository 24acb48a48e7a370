//! The three phases: parse the event, dispatch by kind, answer in the provider framework's shape
//! (`renew`: the scheduled renewal of Kind OriginPullCertificate, whose event is its properties).
//! One JSON log line per event (phase, request type, kind, physical id, renewal step, outcome,
//! reason), never a secret.

use serde_json::{Value, json};

use crate::clock::Clock;
use crate::event::{Event, IsCompleteAnswer, OnEventAnswer, RequestType};
use crate::props::{self, Props};
use crate::{certificate, origin_pull, origin_pull_renew, zone};

/// `CR_PHASE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The provider's onEvent handler.
    OnEvent,
    /// The provider's isComplete handler.
    IsComplete,
    /// The scheduled renewal of Kind OriginPullCertificate (the event is its properties).
    Renew,
}

impl Phase {
    /// `on-event` | `is-complete` | `renew`.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "on-event" => Ok(Self::OnEvent),
            "is-complete" => Ok(Self::IsComplete),
            "renew" => Ok(Self::Renew),
            other => Err(format!(
                "CR_PHASE {other:?}: \"on-event\", \"is-complete\" or \"renew\""
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
    /// The SDK configuration (a KeyValueStore client is made per event, for its ARN).
    pub sdk_config: aws_config::SdkConfig,
    /// `KVS_ENDPOINT` (tests only: `http://` to loopback).
    pub kvs_endpoint: Option<String>,
    /// The time (`CR_TEST_NOW_FILE` in tests).
    pub clock: Clock,
}

/// One event of `phase`: the answer (JSON) or the failure reason.
pub async fn handle(env: &Env, phase: Phase, event: Value) -> Result<Value, String> {
    if phase == Phase::Renew {
        return renew(env, event).await;
    }
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
    let kind = kind(&props);
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
        (Phase::OnEvent, Props::OriginPull(p)) => match env.clock.now() {
            // Boxed: the kind's future is deep (its nesting overflows the layout query).
            Ok(now) => Box::pin(origin_pull::on_event(env, &event, &p, now))
                .await
                .map(on_event_json),
            Err(e) => Err(e),
        },
        (Phase::IsComplete, Props::Zone(_) | Props::OriginPull(_)) => {
            Ok(is_complete_json(IsCompleteAnswer {
                is_complete: true,
                data: serde_json::Map::new(),
            }))
        }
        (Phase::Renew, _) => Err("renew events are handled apart".to_owned()),
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

/// `CR_PHASE=renew`: the event is Kind OriginPullCertificate's properties.
async fn renew(env: &Env, event: Value) -> Result<Value, String> {
    let mut physical = None;
    let answer = match props::parse(&event) {
        Ok(Props::OriginPull(p)) => {
            physical = Some(p.physical_id());
            match env.clock.now() {
                Ok(now) => Box::pin(origin_pull_renew::renew(env, &p, now)).await,
                Err(e) => Err(e),
            }
        }
        Ok(other) => Err(format!(
            "renew is for Kind OriginPullCertificate, not {}",
            kind(&other)
        )),
        Err(reason) => Err(reason),
    };
    log(
        Phase::Renew,
        None,
        "OriginPullCertificate",
        physical.as_deref(),
        &answer,
    );
    answer
}

fn kind(props: &Props) -> &'static str {
    match props {
        Props::Certificate(_) => "Certificate",
        Props::Zone(_) => "Zone",
        Props::OriginPull(_) => "OriginPullCertificate",
    }
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
        "step": answer.as_ref().ok().and_then(|a| a.get("Step")),
        "outcome": if answer.is_ok() { "ok" } else { "failed" },
        "reason": answer.as_ref().err(),
    });
    println!("{line}");
}
