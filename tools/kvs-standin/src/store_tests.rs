//! The store model's rules, one refusal per test.

use super::*;

fn put(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

fn store_with(items: &[(String, String)]) -> Store {
    let mut store = Store::default();
    let etag = store.etag().to_owned();
    store.update(&etag, items, &[]).unwrap();
    store
}

#[test]
fn a_successful_update_changes_the_etag_even_with_the_same_content() {
    let mut store = store_with(&[put("a", "1")]);
    let before = store.etag().to_owned();
    let after = store.update(&before, &[put("a", "1")], &[]).unwrap();
    assert_ne!(before, after);
}

#[test]
fn a_stale_if_match_is_a_conflict_and_changes_nothing() {
    let mut store = store_with(&[put("a", "1")]);
    let snapshot = store.clone();
    let err = store.update("KVSTALE", &[put("a", "2")], &[]).unwrap_err();
    assert_eq!(err.error_type(), "ConflictException");
    assert_eq!(err.status(), 409);
    assert_eq!(store, snapshot);
}

#[test]
fn one_oversized_value_refuses_the_whole_batch() {
    let mut store = store_with(&[put("a", "1"), put("b", "2")]);
    let snapshot = store.clone();
    let etag = store.etag().to_owned();
    let err = store
        .update(
            &etag,
            &[
                put("a", "changed"),
                put("c", &"x".repeat(MAX_VALUE_BYTES + 1)),
            ],
            &["b".to_owned()],
        )
        .unwrap_err();
    assert_eq!(err.error_type(), "ValidationException");
    assert_eq!(store, snapshot, "all or nothing");
}

#[test]
fn a_value_of_exactly_the_limit_is_stored() {
    let store = store_with(&[put("a", &"x".repeat(MAX_VALUE_BYTES))]);
    assert_eq!(store.get("a").unwrap().len(), MAX_VALUE_BYTES);
}

#[test]
fn a_key_over_512_characters_is_refused() {
    let mut store = Store::default();
    let etag = store.etag().to_owned();
    let err = store
        .update(&etag, &[put(&"k".repeat(MAX_KEY_CHARS + 1), "v")], &[])
        .unwrap_err();
    assert!(matches!(err, StoreError::Validation(_)), "{err}");
}

#[test]
fn a_key_of_512_multibyte_characters_is_within_the_limit() {
    let store = store_with(&[put(&"é".repeat(MAX_KEY_CHARS), "v")]);
    assert_eq!(store.item_count(), 1);
}

#[test]
fn an_empty_key_is_refused() {
    let mut store = Store::default();
    let etag = store.etag().to_owned();
    assert!(matches!(
        store.update(&etag, &[put("", "v")], &[]),
        Err(StoreError::Validation(_))
    ));
}

#[test]
fn a_store_over_5_mb_is_refused() {
    // Batches of 1,000 items of about 1 KB: the sixth goes over 5 MiB.
    let value = "v".repeat(MAX_VALUE_BYTES);
    let mut store = Store::default();
    for batch in 0..6 {
        let puts: Vec<_> = (0..1000)
            .map(|i| put(&format!("k{batch:02}-{i:03}"), &value))
            .collect();
        let etag = store.etag().to_owned();
        match store.update(&etag, &puts, &[]) {
            Ok(_) => assert!(store.total_size() <= MAX_STORE_BYTES),
            Err(err) => {
                assert_eq!(err.error_type(), "ServiceQuotaExceededException");
                assert!(store.total_size() <= MAX_STORE_BYTES);
                return;
            }
        }
    }
    panic!("6 MB were accepted");
}

#[test]
fn deleting_a_missing_key_refuses_the_batch() {
    let mut store = store_with(&[put("a", "1")]);
    let snapshot = store.clone();
    let etag = store.etag().to_owned();
    let err = store
        .update(&etag, &[put("a", "2")], &["gone".to_owned()])
        .unwrap_err();
    assert_eq!(err, StoreError::NotFound("gone".into()));
    assert_eq!(store, snapshot);
}

#[test]
fn a_key_put_and_deleted_in_one_batch_is_refused() {
    let mut store = store_with(&[put("a", "1")]);
    let etag = store.etag().to_owned();
    assert!(matches!(
        store.update(&etag, &[put("a", "2")], &["a".to_owned()]),
        Err(StoreError::Validation(_))
    ));
}

#[test]
fn an_empty_batch_is_refused() {
    let mut store = Store::default();
    let etag = store.etag().to_owned();
    assert!(matches!(
        store.update(&etag, &[], &[]),
        Err(StoreError::Validation(_))
    ));
}

#[test]
fn the_state_round_trips_with_its_etag() {
    let store = store_with(&[put("b", "2"), put("a", "1")]);
    let state = store.to_state();
    assert_eq!(state.items[0].key, "a", "keys in order");
    let json = serde_json::to_string(&state).unwrap();
    let back = Store::from_state(serde_json::from_str(&json).unwrap()).unwrap();
    assert_eq!(back, store);
}

#[test]
fn a_state_file_with_an_oversized_value_is_refused() {
    let state = State {
        etag: "KV1".into(),
        items: vec![Item {
            key: "a".into(),
            value: "x".repeat(MAX_VALUE_BYTES + 1),
        }],
    };
    assert!(matches!(
        Store::from_state(state),
        Err(StoreError::Validation(_))
    ));
}
