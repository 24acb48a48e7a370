//! An in-memory STS for the verifier tests (`verifier_core`, `verifier_under_load`): scripted
//! answers, call counting, recorded requests, calls held until the test releases them; plus the
//! presigned values and answers those tests use.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use fluid_identity::{
    FetchError, OutboundRequest, StsClient, StsResponse, Verifier, VerifierConfig, presign,
};
use tokio::sync::{Notify, Semaphore};

pub const SIGNED_AT: u64 = 1_740_832_496;
pub const ROLE_ARN: &str = "arn:aws:sts::111122223333:assumed-role/deployer/ci-run";

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

pub fn value_for(akid: &str, region: &str, expires: u64) -> String {
    let creds = Credentials::new(akid, "secret", None, None, "test");
    presign(
        &creds,
        region,
        "orders-api",
        Duration::from_secs(expires),
        at(SIGNED_AT),
    )
    .unwrap()
}

pub fn value() -> String {
    value_for("AKIAEXAMPLE000000001", "us-east-1", 60)
}

pub fn json_answer(arn: &str, account: &str) -> StsResponse {
    StsResponse {
        status: 200,
        content_type: Some("application/json".into()),
        body: format!(
            r#"{{"GetCallerIdentityResponse":{{"GetCallerIdentityResult":{{"Account":"{account}","Arn":"{arn}","UserId":"AROAEXAMPLE:ci-run"}},"ResponseMetadata":{{"RequestId":"r"}}}}}}"#
        )
        .into_bytes(),
    }
}

/// An in-memory STS: counts calls, records requests, can hold calls until released.
pub struct ScriptedSts {
    answer: Answer,
    pub calls: AtomicUsize,
    pub requests: std::sync::Mutex<Vec<OutboundRequest>>,
    /// When set, each call waits for a permit (the test releases them).
    gate: Option<Arc<Semaphore>>,
    pub entered: Arc<Notify>,
}

type Answer = Box<dyn Fn(&OutboundRequest) -> Result<StsResponse, FetchError> + Send + Sync>;

impl ScriptedSts {
    /// Gives every call the same answer.
    pub fn answering(
        answer: impl Fn() -> Result<StsResponse, FetchError> + Send + Sync + 'static,
    ) -> Self {
        Self::answering_each(move |_| answer())
    }

    /// Answers each call from what was sent (e.g. one caller per access key).
    pub fn answering_each(
        answer: impl Fn(&OutboundRequest) -> Result<StsResponse, FetchError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            answer: Box::new(answer),
            calls: AtomicUsize::new(0),
            requests: Default::default(),
            gate: None,
            entered: Arc::new(Notify::new()),
        }
    }

    /// Holds each call until `gate` hands out a permit.
    pub fn gated(mut self, gate: Arc<Semaphore>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// How many calls reached STS.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl StsClient for ScriptedSts {
    async fn get(&self, request: &OutboundRequest) -> Result<StsResponse, FetchError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.requests.lock().unwrap().push(request.clone());
        self.entered.notify_one();
        if let Some(gate) = &self.gate {
            gate.acquire().await.unwrap().forget();
        }
        (self.answer)(request)
    }
}

pub fn verifier(sts: &Arc<ScriptedSts>) -> Verifier<Arc<ScriptedSts>> {
    Verifier::new(
        VerifierConfig::new("orders-api".parse().unwrap()),
        sts.clone(),
    )
}
