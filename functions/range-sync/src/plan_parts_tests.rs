//! The two parts of a plan on their own: a ranges failure never keeps `origin-secrets` from
//! being written (a revoked secret is removed whatever Cloudflare answers), a secret failure
//! never keeps the ranges, and AWSPENDING's secret is kept beside AWSCURRENT's.

use ip_filter_core::kvs_layout::ranges_key;
use ip_filter_core::origin_secret::secrets_value;

use super::*;
use crate::secret_string::SecretStrings;

const OLD: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const NEW: &str = "Zq8Wm3Np6Rt9Vx2Bc5Df8Gh1Jk4Lm7Pq";

fn answer(name: &str) -> String {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/cloudflare-ranges/tests/api/"
    );
    std::fs::read_to_string(format!("{dir}{name}")).unwrap()
}

fn fetched(name: &str) -> RangesInput {
    RangesInput::Fetched(Fetched {
        answer: answer(name),
        source: "https://api.cloudflare.com/client/v4/ips".into(),
        fetched_at: "2026-12-01T12:00:00Z".into(),
        force: false,
    })
}

fn only(current: &str) -> Result<SecretStrings, PartFailure> {
    Ok(SecretStrings {
        current: format!(r#"{{"current":"{current}"}}"#),
        pending: None,
    })
}

/// A synced store that still admits OLD beside NEW (the secret was `{"current":OLD,"next":NEW}`).
fn store_admitting_old() -> StoreState {
    let nets = cloudflare_ranges::Snapshot::bundled()
        .unwrap()
        .nets()
        .unwrap();
    let mut items: BTreeMap<String, String> = ip_filter_core::kvs_layout::encode_ranges(&nets)
        .unwrap()
        .into_iter()
        .collect();
    items.insert(
        ORIGIN_SECRETS_KEY.into(),
        secrets_value(&[OLD, NEW]).unwrap(),
    );
    items.insert(ranges_key(9), "stale".into());
    StoreState {
        etag: "KVETAG1".into(),
        items,
    }
}

fn secrets_only(plan: &Plan) -> Vec<(String, String)> {
    let batch = plan.batch.as_ref().expect("a batch");
    assert!(batch.deletes.is_empty(), "{:?}", batch.deletes);
    batch.puts.clone()
}

#[test]
fn a_refused_range_list_still_removes_a_revoked_secret() {
    let inputs = Inputs {
        ranges: fetched("poisoned-all-ipv4.json"),
        secrets: only(NEW),
    };
    let plan = plan(&store_admitting_old(), &inputs);
    assert_eq!(
        secrets_only(&plan),
        [(ORIGIN_SECRETS_KEY.into(), secrets_value(&[NEW]).unwrap())]
    );
    let failure = plan.ranges_failure.unwrap();
    assert_eq!(failure.reason, "invalid-answer");
    assert!(failure.refused && failure.message.contains("0.0.0.0/0"));
    assert!(plan.secrets_changed && !plan.ranges_changed);
    assert_eq!(plan.secrets_failure, None);
}

#[test]
fn an_unreachable_range_list_still_removes_a_revoked_secret() {
    let unreachable = PartFailure::failed("cloudflare-fetch", "connection refused".into());
    let inputs = Inputs {
        ranges: RangesInput::Unavailable(unreachable.clone()),
        secrets: only(NEW),
    };
    let plan = plan(&store_admitting_old(), &inputs);
    assert_eq!(secrets_only(&plan)[0].1, secrets_value(&[NEW]).unwrap());
    assert_eq!(plan.ranges_failure, Some(unreachable));
    assert_eq!(plan.last_good, None);
}

#[test]
fn a_shrink_guard_refusal_still_writes_the_secrets_and_keeps_the_ranges() {
    let store = store_admitting_old();
    let inputs = Inputs {
        ranges: fetched("shrunk.json"),
        secrets: only(NEW),
    };
    let plan = plan(&store, &inputs);
    assert_eq!(plan.ranges_failure.as_ref().unwrap().reason, "shrink-guard");
    assert_eq!(secrets_only(&plan).len(), 1);
}

#[test]
fn an_unreadable_secret_still_lets_the_ranges_be_written() {
    let inputs = Inputs {
        ranges: fetched("good-changed.json"),
        secrets: Err(PartFailure::failed("secret-read", "throttled".into())),
    };
    let plan = plan(&store_admitting_old(), &inputs);
    let batch = plan.batch.unwrap();
    assert!(batch.puts.iter().all(|(k, _)| k != ORIGIN_SECRETS_KEY));
    assert!(plan.ranges_changed && !plan.secrets_changed);
    assert_eq!(plan.secrets_failure.unwrap().reason, "secret-read");
}

#[test]
fn a_pending_rotation_keeps_both_hashes() {
    let inputs = Inputs {
        ranges: fetched("good-same.json"),
        secrets: Ok(SecretStrings {
            current: format!(r#"{{"current":"{OLD}"}}"#),
            pending: Some(format!(r#"{{"current":"{NEW}"}}"#)),
        }),
    };
    let plan = plan(&store_admitting_old(), &inputs);
    assert_eq!(plan.ranges_failure, None);
    assert_eq!(plan.secrets_failure, None);
    assert!(
        !plan.secrets_changed,
        "OLD and NEW are what the store admits"
    );
}

#[test]
fn the_secrets_alone_never_touch_the_ranges() {
    let inputs = Inputs {
        ranges: RangesInput::Untouched,
        secrets: only(NEW),
    };
    let plan = plan(&store_admitting_old(), &inputs);
    assert_eq!(secrets_only(&plan).len(), 1, "the stale part is left alone");
    assert_eq!((plan.ranges_failure, plan.secrets_failure), (None, None));
}
