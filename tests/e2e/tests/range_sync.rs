//! The real `range-sync` binary through the Lambda Runtime API, against the KVS stand-in
//! (every request's SigV4a signature verified with the function's credentials), the Cloudflare stand-in (its answer a file this test
//! rewrites) and moto's Secrets Manager.

mod common;
mod moto_secrets;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cloudflare_ranges::{Snapshot, parse_cidr};
use ip_filter_core::kvs_layout::{self, ORIGIN_SECRETS_KEY, RANGES_META_KEY};
use ip_filter_core::origin_secret::DEFAULT_HEADER;
use ip_filter_core::origin_secret::secrets_value;
use kvs_standin::store::Store;
use kvs_standin::{CloudflareStandIn, KvsStandIn, Operation};
use oac_dev::ChainConfig;
use oac_dev::config::OriginSecretConfig;
use oac_dev::model::KvsSource;
use oac_dev::runtime_api::{FunctionProcess, InvokeError, RuntimeApi};
use serde_json::Value;
use test_support::cargo_bin::cargo_bin;
use test_support::moto::Moto;

const KVS_ARN: &str =
    "arn:aws:cloudfront::123456789012:key-value-store/0f2ab7c9-1111-2222-3333-444455556666";
const SECRET_ID: &str = "oac-kit/origin-secret";
const SECRET: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const ACCESS_KEY: &str = "AKIDRANGESYNCTEST";
const SECRET_KEY: &str = "range-sync-test-secret";
const TIMEOUT: Duration = Duration::from_secs(30);

fn recorded(name: &str) -> Vec<u8> {
    std::fs::read(
        test_support::repo_root()
            .join("shared/cloudflare-ranges/tests/api")
            .join(name),
    )
    .unwrap()
}

/// Everything one run needs, each test its own.
struct Rig {
    dir: tempfile::TempDir,
    kvs: KvsStandIn,
    _cloudflare: CloudflareStandIn,
    moto: Moto,
    api: RuntimeApi,
    _function: FunctionProcess,
}

impl Rig {
    /// The stand-ins with the store as `seed` left it, Cloudflare answering `answer`, and the
    /// secret `{"current": SECRET}`.
    async fn start(seed: impl FnOnce(&mut Store), answer: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let answer_file = dir.path().join("ips.json");
        std::fs::write(&answer_file, recorded(answer)).unwrap();
        let kvs = KvsStandIn::start(KVS_ARN, Some(dir.path().join("kvs.json")))
            .await
            .unwrap();
        kvs.require_signature_by(ACCESS_KEY, SECRET_KEY);
        kvs.with_store(seed);
        let cloudflare = CloudflareStandIn::start(answer_file).await.unwrap();
        let moto = Moto::start();
        create_secret(&moto.endpoint, &format!(r#"{{"current":"{SECRET}"}}"#)).await;
        let api = RuntimeApi::start().await.unwrap();
        let kvs_endpoint = kvs.endpoint();
        let base = cloudflare.base_url();
        let function = FunctionProcess::spawn(
            cargo_bin("range-sync", "range-sync"),
            "range-sync",
            &api,
            &[
                ("KVS_ARN", KVS_ARN),
                ("ORIGIN_SECRET_ID", SECRET_ID),
                ("CLOUDFLARE_API_BASE", &base),
                ("KVS_ENDPOINT", &kvs_endpoint),
                ("AWS_ENDPOINT_URL_SECRETS_MANAGER", &moto.endpoint),
                ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
                ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
                ("AWS_EC2_METADATA_DISABLED", "true"),
            ],
        )
        .unwrap();
        Self {
            dir,
            kvs,
            _cloudflare: cloudflare,
            moto,
            api,
            _function: function,
        }
    }

    async fn invoke(&self) -> Result<Value, InvokeError> {
        let event = br#"{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"#;
        let answer = self.api.invoke(event.to_vec(), TIMEOUT).await?;
        Ok(serde_json::from_slice(&answer).unwrap())
    }

    fn state_file(&self) -> PathBuf {
        self.dir.path().join("kvs.json")
    }

    /// Cloudflare answers `answer` from now on.
    fn set_answer(&self, answer: &str) {
        let tmp = self.dir.path().join("ips.json.tmp");
        std::fs::write(&tmp, recorded(answer)).unwrap();
        std::fs::rename(&tmp, self.dir.path().join("ips.json")).unwrap();
    }
}

async fn create_secret(endpoint: &str, secret_string: &str) {
    moto_secrets::client(endpoint)
        .create_secret()
        .name(SECRET_ID)
        .secret_string(secret_string)
        .send()
        .await
        .expect("create the secret on moto");
}

/// The store as a previous run left it: the compiled list, its meta and the secret's hash.
fn synced(store: &mut Store) {
    let nets = Snapshot::bundled().unwrap().nets().unwrap();
    let mut puts = kvs_layout::encode_ranges(&nets).unwrap();
    puts.push((RANGES_META_KEY.into(), "{}".into()));
    puts.push((ORIGIN_SECRETS_KEY.into(), secrets_value(&[SECRET]).unwrap()));
    let etag = store.etag().to_owned();
    store.update(&etag, &puts, &[]).unwrap();
}

fn items(store: &Store) -> BTreeMap<String, String> {
    store
        .items()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn stored_ranges(store: &Store) -> Vec<ipnet::IpNet> {
    kvs_layout::decode_ranges(|k| store.get(k).ok().map(str::to_owned)).unwrap()
}

#[tokio::test]
async fn a_changed_list_is_written_with_one_sigv4a_signed_update() {
    let rig = Rig::start(synced, "good-changed.json").await;
    let report = rig.invoke().await.unwrap();
    assert_eq!(report["outcome"], "updated", "{report}");
    assert_eq!(rig.kvs.count(Operation::UpdateKeys), 1);
    let store = rig.kvs.store();
    assert!(stored_ranges(&store).contains(&parse_cidr("1.1.1.0/24").unwrap()));
    assert_eq!(report["etag_after"], store.etag());
    // What oac-dev --kvs-file reads is what the API answers.
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(rig.state_file()).unwrap()).unwrap();
    assert_eq!(state["etag"], store.etag());
    for request in rig.kvs.received() {
        let authorization = request.header("authorization").unwrap_or_default();
        assert!(
            authorization.starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDRANGESYNCTEST/"),
            "{authorization}"
        );
        assert!(authorization.contains("/cloudfront-keyvaluestore/aws4_request"));
        assert_eq!(request.header("x-amz-region-set"), Some("*"));
    }
}

#[tokio::test]
async fn an_unchanged_list_makes_no_update() {
    let rig = Rig::start(synced, "good-same.json").await;
    let before = rig.kvs.store();
    let report = rig.invoke().await.unwrap();
    assert_eq!(report["outcome"], "unchanged", "{report}");
    assert_eq!(rig.kvs.count(Operation::DescribeKeyValueStore), 1);
    assert_eq!(rig.kvs.count(Operation::UpdateKeys), 0);
    assert_eq!(rig.kvs.store(), before);
}

#[tokio::test]
async fn a_poisoned_list_fails_the_run_with_its_reason_and_leaves_the_store() {
    let rig = Rig::start(synced, "poisoned-all-ipv4.json").await;
    let before = rig.kvs.store();
    let err = rig.invoke().await.unwrap_err();
    let InvokeError::Function { error_message, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(
        error_message.starts_with("invalid-answer: "),
        "{error_message}"
    );
    assert!(error_message.contains("0.0.0.0/0"), "{error_message}");
    assert_eq!(rig.kvs.count(Operation::UpdateKeys), 0);
    assert_eq!(rig.kvs.store(), before);
}

#[tokio::test]
async fn a_write_between_read_and_update_is_retried_and_both_survive() {
    let rig = Rig::start(synced, "good-changed.json").await;
    rig.kvs.before_next_update(|store| {
        let etag = store.etag().to_owned();
        store
            .update(&etag, &[("other-writer".into(), "x".into())], &[])
            .unwrap();
    });
    let report = rig.invoke().await.unwrap();
    assert_eq!(report["outcome"], "updated", "{report}");
    assert_eq!(report["attempts"], 2);
    assert_eq!(rig.kvs.count(Operation::UpdateKeys), 2);
    assert_eq!(rig.kvs.count(Operation::DescribeKeyValueStore), 2);
    let store = rig.kvs.store();
    let items = items(&store);
    assert_eq!(items["other-writer"], "x");
    assert!(stored_ranges(&store).contains(&parse_cidr("1.1.1.0/24").unwrap()));
    assert_eq!(items[ORIGIN_SECRETS_KEY], secrets_value(&[SECRET]).unwrap());
}

#[tokio::test]
async fn a_signature_made_with_another_secret_key_is_refused_by_the_standin() {
    let rig = Rig::start(synced, "good-changed.json").await;
    let before = rig.kvs.store();
    rig.kvs
        .require_signature_by(ACCESS_KEY, "not-the-functions-secret-key");
    let err = rig.invoke().await.unwrap_err();
    let InvokeError::Function { error_message, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(error_message.starts_with("kvs-read: "), "{error_message}");
    assert!(error_message.contains("does not verify"), "{error_message}");
    assert_eq!(rig.kvs.store(), before);
}

/// A viewer in 1.1.1.0/24, the range `good-changed.json` adds.
const ADDED_VIEWER: &str = "1.1.1.1";
/// A viewer in 131.0.72.0/22, the range `good-changed.json` drops.
const DROPPED_VIEWER: &str = "131.0.72.1";

/// GET /health from `viewer` with the origin secret until the answer is `status` (the chain
/// re-reads the state file on its own schedule); the last answer.
async fn until_status(chain: &common::Running, viewer: &str, status: u16) -> u16 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let request = chain
            .request("GET", "/health", viewer)
            .header(DEFAULT_HEADER, SECRET);
        let got = common::answer(request).await.status;
        if got == status || Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_chain_enforces_a_range_the_sync_wrote_with_no_rebuild() {
    let rig = Rig::start(synced, "good-same.json").await;
    let chain = common::start(ChainConfig {
        origin_secret: Some(OriginSecretConfig {
            header: DEFAULT_HEADER.to_owned(),
            store: KvsSource::File(rig.state_file()),
        }),
        ..common::config(cargo_bin("oac-dev", "oac-echo"), vec![])
    })
    .await;
    assert_eq!(until_status(&chain, DROPPED_VIEWER, 200).await, 200);
    assert_eq!(until_status(&chain, ADDED_VIEWER, 403).await, 403);

    rig.set_answer("good-changed.json");
    let report = rig.invoke().await.unwrap();
    assert_eq!(report["outcome"], "updated", "{report}");

    assert_eq!(until_status(&chain, ADDED_VIEWER, 200).await, 200);
    assert_eq!(until_status(&chain, DROPPED_VIEWER, 403).await, 403);
}

/// A secret the store still admits but the SecretString no longer holds.
const REVOKED: &str = "Rv0kEdRv0kEdRv0kEdRv0kEdRv0kEd12";

/// The store as a previous run left it while REVOKED was the secret's `next`.
fn synced_admitting_revoked(store: &mut Store) {
    synced(store);
    let etag = store.etag().to_owned();
    let value = secrets_value(&[SECRET, REVOKED]).unwrap();
    store
        .update(&etag, &[(ORIGIN_SECRETS_KEY.into(), value)], &[])
        .unwrap();
}

#[tokio::test]
async fn a_refused_list_still_lets_a_revoked_secret_be_removed() {
    let rig = Rig::start(synced_admitting_revoked, "poisoned-all-ipv4.json").await;
    let ranges_before = stored_ranges(&rig.kvs.store());
    let err = rig.invoke().await.unwrap_err();
    let InvokeError::Function { error_message, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(
        error_message.starts_with("invalid-answer: "),
        "{error_message}"
    );
    let store = rig.kvs.store();
    assert_eq!(
        items(&store)[ORIGIN_SECRETS_KEY],
        secrets_value(&[SECRET]).unwrap()
    );
    assert_eq!(stored_ranges(&store), ranges_before);
}

#[tokio::test]
async fn a_sync_during_a_rotation_keeps_the_pending_secret() {
    const PENDING: &str = "Pp0Oo9Ii8Uu7Yy6Tt5Rr4Ee3Ww2Qq1Aa";
    let rig = Rig::start(synced, "good-same.json").await;
    moto_secrets::client(&rig.moto.endpoint)
        .put_secret_value()
        .secret_id(SECRET_ID)
        .client_request_token("0f2ab7c9-aaaa-4bbb-8ccc-444455556666")
        .secret_string(format!(r#"{{"current":"{PENDING}"}}"#))
        .version_stages("AWSPENDING")
        .send()
        .await
        .unwrap();
    let report = rig.invoke().await.unwrap();
    assert_eq!(report["outcome"], "updated", "{report}");
    assert_eq!(report["secrets_changed"], true);
    assert_eq!(
        items(&rig.kvs.store())[ORIGIN_SECRETS_KEY],
        secrets_value(&[SECRET, PENDING]).unwrap()
    );
}
