//! The rig of the cloudflare-setup tests: the Cloudflare stand-in (in process), moto (Secrets
//! Manager and ACM), the KVS stand-in (the Connection Function's store, every request's SigV4a
//! signature verified), and the real `cloudflare-setup` binary three times, as the provider
//! framework and the renewal schedule run it (`CR_PHASE=on-event`, `is-complete`, `renew`), each
//! behind its own emulated Runtime API with its stdout (the log lines) collected. The functions'
//! clock is a file the test writes (`CR_TEST_NOW_FILE`).

// Each test file uses part of the rig.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_standin::{CloudflareStandIn, Permission, Tokens, Zone};
use kvs_standin::KvsStandIn;
use oac_dev::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use serde_json::{Value, json};
use test_support::cargo_bin::cargo_bin;
use test_support::moto::Moto;
use tokio::io::AsyncBufReadExt;

/// The zone.
pub const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The Cloudflare token (a known value: never in a log line or an error).
pub const TOKEN: &str = "cf-known-token-3d9a7e51b2c8";
/// The origin secret (a known value: only in the rule).
pub const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
/// The rule's ref.
pub const RULE_REF: &str = "oac-kit-origin-secret-e2e";
/// The distribution.
pub const DIST: &str = "d111111abcdef8.cloudfront.net";
/// The late-transform phase.
pub const PHASE: &str = "http_request_late_transform";
/// The Connection Function's store.
pub const KVS_ARN: &str =
    "arn:aws:cloudfront::123456789012:key-value-store/7c1d2e3f-1111-2222-3333-444455556666";
/// The functions' clock when a rig starts.
pub const START: &str = "2027-01-01T00:00:00Z";
const ACCESS_KEY: &str = "AKIDMOTOTEST";
const SECRET_KEY: &str = "moto-secret";
const TIMEOUT: Duration = Duration::from_secs(60);

struct Function {
    api: RuntimeApi,
    process: FunctionProcess,
    reader: tokio::task::JoinHandle<()>,
}

/// Everything one test needs.
pub struct Rig {
    /// The Cloudflare stand-in.
    pub cf: CloudflareStandIn,
    /// moto.
    pub moto: Moto,
    /// The token secret's ARN.
    pub token_arn: String,
    /// The origin secret's ARN.
    pub origin_arn: String,
    /// The CA secret's ARN (created `{}`, as CDK does).
    pub ca_arn: String,
    /// The Connection Function's store.
    pub kvs: KvsStandIn,
    clock: tempfile::TempDir,
    on_event: Function,
    is_complete: Function,
    renew: Function,
    logs: Arc<Mutex<Vec<String>>>,
    errors: Vec<String>,
}

impl Rig {
    /// The token with `permissions`; moto issuing certificates after `acm_wait` seconds.
    pub async fn start(permissions: &[Permission], acm_wait: &str) -> Self {
        let mut tokens = Tokens::default();
        tokens.grant(TOKEN, permissions);
        let cf = CloudflareStandIn::start(Zone::new(ZONE, "example.com"), tokens)
            .await
            .unwrap();
        let moto = Moto::start_with_env(&[("MOTO_ACM_VALIDATION_WAIT", acm_wait)]);
        let token_arn = create_secret(&moto.endpoint, "oac-kit/cloudflare-token", TOKEN).await;
        let origin = format!(r#"{{"current":"{SECRET}"}}"#);
        let origin_arn = create_secret(&moto.endpoint, "oac-kit/origin-secret", &origin).await;
        let ca_arn = create_secret(&moto.endpoint, "oac-kit/origin-pull-ca", "{}").await;
        let kvs = KvsStandIn::start(KVS_ARN, None).await.unwrap();
        kvs.require_signature_by(ACCESS_KEY, SECRET_KEY);
        let clock = tempfile::tempdir().unwrap();
        std::fs::write(clock.path().join("now"), START).unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let ends = Ends {
            cloudflare: cf.base_url(),
            moto: moto.endpoint.clone(),
            kvs: kvs.endpoint(),
            clock: clock.path().join("now").to_string_lossy().into_owned(),
        };
        let on_event = spawn("on-event", &ends, logs.clone()).await;
        let is_complete = spawn("is-complete", &ends, logs.clone()).await;
        let renew = spawn("renew", &ends, logs.clone()).await;
        Self {
            cf,
            moto,
            token_arn,
            origin_arn,
            ca_arn,
            kvs,
            clock,
            on_event,
            is_complete,
            renew,
            logs,
            errors: vec![],
        }
    }

    /// onEvent: the answer, or the failure reason.
    pub async fn on_event(&mut self, event: &Value) -> Result<Value, String> {
        let answer = invoke(&self.on_event.api, event).await;
        self.errors.extend(answer.as_ref().err().cloned());
        answer
    }

    /// isComplete: the answer, or the failure reason.
    pub async fn is_complete(&mut self, event: &Value) -> Result<Value, String> {
        let answer = invoke(&self.is_complete.api, event).await;
        self.errors.extend(answer.as_ref().err().cloned());
        answer
    }

    /// The scheduled renewal with `props` as its event: the answer, or the failure reason.
    pub async fn renew(&mut self, props: &Value) -> Result<Value, String> {
        let answer = invoke(&self.renew.api, props).await;
        self.errors.extend(answer.as_ref().err().cloned());
        answer
    }

    /// Sets the functions' clock (RFC 3339).
    pub fn set_now(&self, now: &str) {
        std::fs::write(self.clock.path().join("now"), now).unwrap();
    }

    /// The CA secret's SecretString, parsed.
    pub async fn ca_secret(&self) -> Value {
        let out = secrets_client(&self.moto.endpoint)
            .get_secret_value()
            .secret_id(&self.ca_arn)
            .send()
            .await
            .expect("read the CA secret on moto");
        serde_json::from_str(out.secret_string().unwrap()).unwrap()
    }

    /// A new AWSCURRENT version of the CA secret (a test's "what a lost answer left").
    pub async fn put_ca_secret(&self, value: &Value) {
        secrets_client(&self.moto.endpoint)
            .put_secret_value()
            .secret_id(&self.ca_arn)
            .secret_string(value.to_string())
            .send()
            .await
            .expect("put the CA secret on moto");
    }

    /// A new secret on moto; its ARN.
    pub async fn create_secret(&self, name: &str, value: &str) -> String {
        create_secret(&self.moto.endpoint, name, value).await
    }

    /// A new version of the origin secret with `stage` (AWSCURRENT or AWSPENDING).
    pub async fn put_origin_secret(&self, secret_string: &str, stage: &str) {
        secrets_client(&self.moto.endpoint)
            .put_secret_value()
            .secret_id(&self.origin_arn)
            .secret_string(secret_string)
            .version_stages(stage)
            .send()
            .await
            .expect("put the secret on moto");
    }

    /// How many requests so far changed something in the zone (not a GET).
    pub fn changes(&self) -> usize {
        self.cf
            .requests()
            .iter()
            .filter(|r| r.method != "GET")
            .count()
    }

    /// The zone's records as `(name, type, content, proxied, comment)`, sorted.
    pub fn records(&self) -> Vec<(String, String, String, bool, Option<String>)> {
        let state = self.cf.state();
        let mut out: Vec<_> = state["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
                (
                    s("name"),
                    s("type"),
                    s("content"),
                    r["proxied"] == true,
                    r["comment"].as_str().map(str::to_owned),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// The late-transform rules as stored.
    pub fn rules(&self) -> Vec<Value> {
        self.cf.state()["entrypoints"][PHASE]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Stops both functions and checks no log line and no failure reason held the token or the
    /// secret; returns the log lines.
    pub async fn finish(self) -> Vec<String> {
        self.finish_without(&[]).await
    }

    /// [`Rig::finish`], also checking that none of `secrets` (and no PEM private key at all)
    /// is in a log line or a failure reason.
    pub async fn finish_without(self, secrets: &[String]) -> Vec<String> {
        for mut f in [self.on_event, self.is_complete, self.renew] {
            f.process.stop().await;
            f.reader.await.unwrap();
        }
        let logs = self.logs.lock().unwrap().clone();
        for line in logs.iter().chain(&self.errors) {
            assert!(
                !line.contains(TOKEN) && !line.contains(SECRET),
                "a secret in: {line}"
            );
            assert!(!line.contains("PRIVATE KEY"), "a private key in: {line}");
            for secret in secrets {
                assert!(!line.contains(secret.as_str()), "a secret in: {line}");
            }
        }
        logs
    }
}

/// Where the functions reach their stand-ins, and their clock file.
struct Ends {
    cloudflare: String,
    moto: String,
    kvs: String,
    clock: String,
}

async fn spawn(phase: &str, ends: &Ends, logs: Arc<Mutex<Vec<String>>>) -> Function {
    let api = RuntimeApi::start().await.unwrap();
    let (process, stdout) = FunctionProcess::spawn_reading_stdout(
        cargo_bin("cloudflare-setup", "cloudflare-setup"),
        "cloudflare-setup",
        &api,
        &[
            ("CR_PHASE", phase),
            ("CLOUDFLARE_API_BASE", &ends.cloudflare),
            ("ACM_ENDPOINT_URL", &ends.moto),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", &ends.moto),
            ("KVS_ENDPOINT", &ends.kvs),
            ("CR_TEST_NOW_FILE", &ends.clock),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
    )
    .unwrap();
    let reader = tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            logs.lock().unwrap().push(line);
        }
    });
    Function {
        api,
        process,
        reader,
    }
}

async fn invoke(api: &RuntimeApi, event: &Value) -> Result<Value, String> {
    match api
        .invoke(serde_json::to_vec(event).unwrap(), TIMEOUT)
        .await
    {
        Ok(body) => Ok(serde_json::from_slice(&body).unwrap()),
        Err(InvokeError::Function { error_message, .. }) => Err(error_message),
        Err(e) => panic!("{e}"),
    }
}

fn secrets_client(endpoint: &str) -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
        .region(aws_sdk_secretsmanager::config::Region::new("eu-west-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Moto::credentials())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

async fn create_secret(endpoint: &str, name: &str, value: &str) -> String {
    let out = secrets_client(endpoint)
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .expect("create the secret on moto");
    out.arn().unwrap().to_owned()
}

/// A provider framework event.
pub fn event(request: &str, props: &Value, physical: Option<&str>, old: Option<&Value>) -> Value {
    let mut e = json!({
        "RequestType": request,
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:provider",
        "ResponseURL": "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x",
        "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/app/1a2b3c4d",
        "RequestId": "5f3e1c2a-0000-4000-8000-000000000001",
        "LogicalResourceId": "CloudflareSetup",
        "ResourceType": "Custom::OacKitCloudflare",
        "ResourceProperties": props,
    });
    if let Some(id) = physical {
        e["PhysicalResourceId"] = json!(id);
    }
    if let Some(old) = old {
        e["OldResourceProperties"] = old.clone();
    }
    e
}

/// Zone properties for `hostnames`.
pub fn zone_props(rig: &Rig, hostnames: &[&str], ssl_mode: Option<&str>) -> Value {
    let mut p = json!({
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:provider",
        "Kind": "Zone", "ZoneId": ZONE, "Hostnames": hostnames, "ApiTokenSecretArn": rig.token_arn,
        "DistributionDomainName": DIST, "OriginSecretArn": rig.origin_arn,
        "OriginSecretHeader": "x-origin-secret", "RuleRef": RULE_REF,
    });
    if let Some(mode) = ssl_mode {
        p["SslMode"] = json!(mode);
    }
    p
}

/// Certificate properties for `hostnames`.
pub fn cert_props(rig: &Rig, hostnames: &[&str]) -> Value {
    json!({"Kind": "Certificate", "ZoneId": ZONE, "Hostnames": hostnames, "ApiTokenSecretArn": rig.token_arn})
}

/// The zone's SSL mode set to `mode`.
pub fn set_ssl(rig: &Rig, mode: &str) {
    rig.cf.with_zone(|z| z.ssl = mode.to_owned());
}

/// OriginPullCertificate properties for `hostnames`.
pub fn origin_pull_props(rig: &Rig, hostnames: &[&str]) -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:provider",
        "Kind": "OriginPullCertificate", "ZoneId": ZONE, "Hostnames": hostnames,
        "ApiTokenSecretArn": rig.token_arn, "CaSecretArn": rig.ca_arn, "KvsArn": KVS_ARN,
        "Ref": "oac-kit-mtls-e2e",
    })
}

/// Every permission.
pub const ALL: &[Permission] = &Permission::ALL;
