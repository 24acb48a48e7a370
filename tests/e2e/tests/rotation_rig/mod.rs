//! The rotation test's world: moto's Secrets Manager (the origin secret mid-rotation, the
//! Cloudflare token), the KVS stand-in (SigV4a verified), the Cloudflare stand-in with oac-kit's
//! rule sending the old secret, a loopback "public hostname" that admits a request only when the
//! header Cloudflare's rule would add is a secret whose hash is in the store's `origin-secrets`
//! (as the viewer filter does), and the real `origin-secret-rotation` binary behind the Lambda
//! Runtime API with its stdout (the step log lines) read by the test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_sdk_secretsmanager::types::RotationRulesType;
use axum::extract::State;
use axum::http::StatusCode;
use cloudflare_api::OriginSecretRule;
use cloudflare_standin::{CloudflareStandIn, Permission, Tokens, Zone};
use ip_filter_core::kvs_layout::ORIGIN_SECRETS_KEY;
use ip_filter_core::origin_secret::{DEFAULT_HEADER, OriginSecrets, secrets_value};
use kvs_standin::KvsStandIn;
use oac_dev::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use serde_json::Value;
use test_support::cargo_bin::cargo_bin;
use test_support::moto::Moto;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;

use crate::moto_secrets;

pub const KVS_ARN: &str =
    "arn:aws:cloudfront::123456789012:key-value-store/0f2ab7c9-1111-2222-3333-444455556666";
pub const SECRET_ID: &str = "oac-kit/origin-secret";
pub const TOKEN_SECRET_ID: &str = "oac-kit/cloudflare-token";
/// Known values that must never reach a log line.
pub const OLD: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
pub const CF_TOKEN: &str = "cf-known-token-rotation-5d2e81";
/// The rotation's version (ClientRequestToken).
pub const VERSION: &str = "0f2ab7c9-aaaa-4bbb-8ccc-444455556666";
const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const RULE_REF: &str = "oac-kit-origin-secret-rotation-test";
const PHASE: &str = "http_request_late_transform";
const HOSTNAME: &str = "api.example.com";
const ACCESS_KEY: &str = "AKIDROTATIONTEST";
const SECRET_KEY: &str = "rotation-test-secret";
const TIMEOUT: Duration = Duration::from_secs(60);

/// The loopback "public hostname".
pub struct Host {
    cloudflare: Arc<CloudflareStandIn>,
    kvs: Arc<KvsStandIn>,
    /// Refuse every request (a broken origin, or a CDN that never picks the change up).
    pub refuse: AtomicBool,
}

async fn health(State(host): State<Arc<Host>>) -> StatusCode {
    let sent = rule_value(&host.cloudflare);
    let stored = host
        .kvs
        .store()
        .get(ORIGIN_SECRETS_KEY)
        .ok()
        .map(str::to_owned);
    let admitted = match (sent, stored) {
        (Some(sent), Some(stored)) => {
            OriginSecrets::from_kvs_value(&stored).is_ok_and(|s| s.admits(&sent))
        }
        _ => false,
    };
    if admitted && !host.refuse.load(Ordering::SeqCst) {
        StatusCode::OK
    } else {
        StatusCode::FORBIDDEN
    }
}

/// The value oac-kit's rule sends, as the stand-in holds it.
pub fn rule_value(cloudflare: &CloudflareStandIn) -> Option<String> {
    let state = cloudflare.state();
    let rules = state["entrypoints"][PHASE]["rules"].as_array()?.clone();
    let ours = rules.iter().find(|r| r["ref"] == RULE_REF)?;
    ours["action_parameters"]["headers"][DEFAULT_HEADER]["value"]
        .as_str()
        .map(str::to_owned)
}

pub struct Rig {
    pub kvs: Arc<KvsStandIn>,
    pub cloudflare: Arc<CloudflareStandIn>,
    pub host: Arc<Host>,
    pub secrets: aws_sdk_secretsmanager::Client,
    api: RuntimeApi,
    lines: Lines<BufReader<ChildStdout>>,
    _function: FunctionProcess,
    _moto: Moto,
    _host_task: tokio::task::JoinHandle<()>,
}

impl Rig {
    pub async fn start() -> Self {
        let kvs = Arc::new(KvsStandIn::start(KVS_ARN, None).await.unwrap());
        kvs.require_signature_by(ACCESS_KEY, SECRET_KEY);
        kvs.with_store(|store| {
            let etag = store.etag().to_owned();
            let value = secrets_value(&[OLD]).unwrap();
            store
                .update(&etag, &[(ORIGIN_SECRETS_KEY.into(), value)], &[])
                .unwrap();
        });
        let mut tokens = Tokens::default();
        tokens.grant(CF_TOKEN, &Permission::ALL);
        let cloudflare = CloudflareStandIn::start(Zone::new(ZONE, "example.com"), tokens);
        let cloudflare = Arc::new(cloudflare.await.unwrap());
        let rule = OriginSecretRule {
            rule_ref: RULE_REF.into(),
            hostnames: vec![HOSTNAME.into()],
            header: DEFAULT_HEADER.into(),
            value: OLD.into(),
        };
        cloudflare.with_zone(|zone| zone.seed_rule(PHASE, &rule.to_json().unwrap()));

        let moto = Moto::start();
        let secrets = moto_secrets::client(&moto.endpoint);
        start_rotation(&secrets).await;

        let host = Arc::new(Host {
            cloudflare: cloudflare.clone(),
            kvs: kvs.clone(),
            refuse: AtomicBool::new(false),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let test_url = format!("http://{}/health", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .route("/health", axum::routing::get(health))
            .with_state(host.clone());
        let host_task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });

        let api = RuntimeApi::start().await.unwrap();
        let (kvs_endpoint, cf_base) = (kvs.endpoint(), cloudflare.base_url());
        let (function, stdout) = FunctionProcess::spawn_reading_stdout(
            cargo_bin("origin-secret-rotation", "origin-secret-rotation"),
            "origin-secret-rotation",
            &api,
            &[
                ("KVS_ARN", KVS_ARN),
                ("KVS_ENDPOINT", &kvs_endpoint),
                ("CLOUDFLARE_API_BASE", &cf_base),
                ("CLOUDFLARE_ZONE_ID", ZONE),
                ("CLOUDFLARE_TOKEN_SECRET_ARN", TOKEN_SECRET_ID),
                ("CLOUDFLARE_RULE_REF", RULE_REF),
                ("HOSTNAMES", HOSTNAME),
                ("TEST_URL", &test_url),
                ("TEST_ATTEMPTS", "2"),
                ("TEST_DELAY_MS", "0"),
                ("SECRETSMANAGER_ENDPOINT_URL", &moto.endpoint),
                ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
                ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
                ("AWS_EC2_METADATA_DISABLED", "true"),
            ],
        )
        .unwrap();
        Self {
            kvs,
            cloudflare,
            host,
            secrets,
            api,
            lines: BufReader::new(stdout).lines(),
            _function: function,
            _moto: moto,
            _host_task: host_task,
        }
    }

    /// Invokes `step` as Secrets Manager would; its answer and its log line.
    pub async fn step(&mut self, step: &str) -> (Result<Value, InvokeError>, String) {
        let event = serde_json::json!({
            "Step": step, "SecretId": SECRET_ID, "ClientRequestToken": VERSION
        });
        let answer = self
            .api
            .invoke(event.to_string().into_bytes(), TIMEOUT)
            .await;
        let line = tokio::time::timeout(TIMEOUT, self.lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .expect("a log line per step");
        (answer.map(|b| serde_json::from_slice(&b).unwrap()), line)
    }

    /// The SecretString of a stage (of the rotation's version if `version`).
    pub async fn secret_string(&self, stage: &str, version: bool) -> Option<String> {
        let mut get = self.secrets.get_secret_value().secret_id(SECRET_ID);
        if version {
            get = get.version_id(VERSION);
        }
        get.version_stage(stage)
            .send()
            .await
            .ok()
            .and_then(|o| o.secret_string().map(str::to_owned))
    }

    /// The store's `origin-secrets`.
    pub fn admitted(&self) -> OriginSecrets {
        OriginSecrets::from_kvs_value(self.kvs.store().get(ORIGIN_SECRETS_KEY).unwrap()).unwrap()
    }

    /// What the rule sends now.
    pub fn rule_value(&self) -> Option<String> {
        rule_value(&self.cloudflare)
    }
}

/// The secrets, then what Secrets Manager does when a rotation starts: rotation enabled and the
/// new version staged AWSPENDING with no value yet. moto records exactly that in RotateSecret,
/// then fails to invoke a Lambda function it does not host (ours runs here); that error is
/// expected, the state is what the test needs.
async fn start_rotation(secrets: &aws_sdk_secretsmanager::Client) {
    for (name, value) in [
        (SECRET_ID, format!(r#"{{"current":"{OLD}"}}"#)),
        (TOKEN_SECRET_ID, CF_TOKEN.to_owned()),
    ] {
        secrets
            .create_secret()
            .name(name)
            .secret_string(value)
            .send()
            .await
            .unwrap();
    }
    let rules = RotationRulesType::builder()
        .automatically_after_days(30)
        .build();
    let started = secrets
        .rotate_secret()
        .secret_id(SECRET_ID)
        .client_request_token(VERSION)
        .rotation_lambda_arn(
            "arn:aws:lambda:us-east-1:123456789012:function:origin-secret-rotation",
        )
        .rotation_rules(rules)
        .rotate_immediately(true)
        .send()
        .await;
    assert!(started.is_err(), "moto hosts no Lambda function");
    let described = secrets
        .describe_secret()
        .secret_id(SECRET_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(described.rotation_enabled(), Some(true));
    let stages = &described.version_ids_to_stages().unwrap()[VERSION];
    assert_eq!(stages, &["AWSPENDING"]);
}

/// Panics if `line` holds a known secret or the token.
pub fn assert_clean(line: &str, new: &str) {
    for known in [OLD, new, CF_TOKEN] {
        assert!(!line.contains(known), "a secret in the log: {line}");
    }
}
