//! The real `origin-secret-rotation` binary through the four steps, against moto's Secrets
//! Manager, the KVS stand-in, the Cloudflare stand-in and a loopback public hostname
//! ([`rotation_rig`]): the happy path, a failing testSecret that leaves the old secret working,
//! and repeated steps that change nothing. No step's log line holds a secret or the token.

mod moto_secrets;
mod rotation_rig;

use std::sync::atomic::Ordering;

use ip_filter_core::origin_secret::secrets_value;
use oac_dev::runtime_api::InvokeError;
use rotation_rig::{OLD, Rig, assert_clean};
use serde_json::Value;

/// The new secret createSecret staged.
async fn created(rig: &mut Rig) -> String {
    let (answer, line) = rig.step("createSecret").await;
    assert_eq!(answer.unwrap()["outcome"], "done", "{line}");
    let pending = rig.secret_string("AWSPENDING", true).await.unwrap();
    let pending: Value = serde_json::from_str(&pending).unwrap();
    let new = pending["current"].as_str().unwrap().to_owned();
    assert_ne!(new, OLD);
    assert_clean(&line, &new);
    new
}

async fn done(rig: &mut Rig, step: &str, new: &str) -> Value {
    let (answer, line) = rig.step(step).await;
    assert_clean(&line, new);
    let line: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(line["step"], step);
    assert!(answer.is_ok(), "{step}: {line}");
    line
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_moves_the_store_the_rule_and_the_secret_to_a_new_value() {
    let mut rig = Rig::start().await;
    let new = created(&mut rig).await;

    assert_eq!(done(&mut rig, "setSecret", &new).await["outcome"], "done");
    let admitted = rig.admitted();
    assert!(
        admitted.admits(OLD) && admitted.admits(&new),
        "both until finish"
    );
    assert_eq!(rig.rule_value().as_deref(), Some(new.as_str()));

    assert_eq!(done(&mut rig, "testSecret", &new).await["outcome"], "done");
    assert_eq!(
        done(&mut rig, "finishSecret", &new).await["outcome"],
        "done"
    );

    let store = rig.kvs.store();
    let value = store
        .get(ip_filter_core::kvs_layout::ORIGIN_SECRETS_KEY)
        .unwrap();
    assert_eq!(
        value,
        secrets_value(&[new.as_str()]).unwrap(),
        "only the new hash"
    );
    let current = rig.secret_string("AWSCURRENT", false).await.unwrap();
    assert_eq!(current, format!(r#"{{"current":"{new}"}}"#));
    assert_eq!(rig.secret_string("AWSPENDING", false).await, None);
    assert_eq!(rig.rule_value().as_deref(), Some(new.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_test_puts_the_old_secret_back_and_it_still_admits() {
    let mut rig = Rig::start().await;
    let new = created(&mut rig).await;
    done(&mut rig, "setSecret", &new).await;
    rig.host.refuse.store(true, Ordering::SeqCst);

    let (answer, line) = rig.step("testSecret").await;
    assert_clean(&line, &new);
    let Err(InvokeError::Function { error_message, .. }) = &answer else {
        panic!("{answer:?}");
    };
    assert!(error_message.starts_with("test: "), "{error_message}");
    assert!(
        error_message.contains("old secret again"),
        "{error_message}"
    );
    let line: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (&line["outcome"], &line["reason"]),
        (&"failed".into(), &"test".into())
    );

    assert_eq!(rig.rule_value().as_deref(), Some(OLD), "the rule is back");
    assert!(rig.admitted().admits(OLD), "the old secret still admits");
    let current = rig.secret_string("AWSCURRENT", false).await.unwrap();
    assert_eq!(current, format!(r#"{{"current":"{OLD}"}}"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_step_changes_nothing() {
    let mut rig = Rig::start().await;
    let new = created(&mut rig).await;
    let (again, _) = rig.step("createSecret").await;
    assert_eq!(again.unwrap()["outcome"], "nothing-to-do");
    let pending = rig.secret_string("AWSPENDING", true).await.unwrap();
    assert!(pending.contains(&new), "the staged secret is kept");

    done(&mut rig, "setSecret", &new).await;
    let (etag, cf_requests) = (rig.kvs.store().etag().to_owned(), writes(&rig));
    let line = done(&mut rig, "setSecret", &new).await;
    assert_eq!(line["outcome"], "nothing-to-do");
    assert_eq!(rig.kvs.store().etag(), etag);
    assert_eq!(writes(&rig), cf_requests, "no Cloudflare write");

    done(&mut rig, "testSecret", &new).await;
    done(&mut rig, "finishSecret", &new).await;
    let etag = rig.kvs.store().etag().to_owned();
    for step in ["finishSecret", "setSecret", "createSecret", "testSecret"] {
        let line = done(&mut rig, step, &new).await;
        assert_eq!(line["outcome"], "nothing-to-do", "{step}");
    }
    assert_eq!(rig.kvs.store().etag(), etag);
    assert_eq!(rig.rule_value().as_deref(), Some(new.as_str()));
}

/// Cloudflare requests that change something.
fn writes(rig: &Rig) -> usize {
    rig.cloudflare
        .requests()
        .iter()
        .filter(|r| r.method != "GET")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_set_leaves_the_rule_and_the_old_secret_as_they_were() {
    const WRONG_TOKEN: &str = "cf-token-without-any-permission-77";
    let mut rig = Rig::start().await;
    let new = created(&mut rig).await;
    rig.secrets
        .put_secret_value()
        .secret_id(rotation_rig::TOKEN_SECRET_ID)
        .secret_string(WRONG_TOKEN)
        .send()
        .await
        .unwrap();

    let (answer, line) = rig.step("setSecret").await;
    assert_clean(&line, &new);
    assert!(!line.contains(WRONG_TOKEN), "{line}");
    let Err(InvokeError::Function { error_message, .. }) = &answer else {
        panic!("{answer:?}");
    };
    assert!(error_message.starts_with("cloudflare: "), "{error_message}");
    assert!(error_message.contains("10000"), "{error_message}");
    assert!(!error_message.contains(WRONG_TOKEN));
    assert_eq!(rig.rule_value().as_deref(), Some(OLD));
    assert!(rig.admitted().admits(OLD));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finish_refuses_to_drop_the_old_secret_while_the_rule_still_sends_it() {
    let mut rig = Rig::start().await;
    let new = created(&mut rig).await;
    let (answer, line) = rig.step("finishSecret").await;
    assert_clean(&line, &new);
    let Err(InvokeError::Function { error_message, .. }) = &answer else {
        panic!("{answer:?}");
    };
    assert!(error_message.starts_with("finish: "), "{error_message}");
    let current = rig.secret_string("AWSCURRENT", false).await.unwrap();
    assert_eq!(current, format!(r#"{{"current":"{OLD}"}}"#));
    assert!(rig.admitted().admits(OLD));
    assert_eq!(rig.rule_value().as_deref(), Some(OLD));
}
