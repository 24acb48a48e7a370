use std::path::PathBuf;

use ip_filter_core::kvs_layout::ORIGIN_SECRETS_KEY;
use ip_filter_core::origin_secret::secrets_value;

use super::*;

const A: &str = "k7Qw2vL9xR4mN8pT3sY6bH1jF5gD0cZa";
const B: &str = "n3Xc8bV1mQ6wE9rT2yU5iO7pA4sD0fGh";
const C: &str = "p0Lk9jH8gF7dS6aQ5wE4rT3yU2iO1pZx";

/// A file holding `text` in a fresh directory (kept alive by the returned guard).
fn file(text: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("origin-secret");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The `origin-secrets` item the store was built with.
fn stored_secrets(source: KvsSource) -> String {
    let KvsSource::Items(items) = source else {
        panic!("expected items, got {source:?}");
    };
    items
        .into_iter()
        .find(|(k, _)| k == ORIGIN_SECRETS_KEY)
        .map(|(_, v)| v)
        .expect("origin-secrets is written")
}

#[test]
fn a_file_with_one_secret_gives_its_hash() {
    let (_dir, path) = file(format!("{A}\n").as_bytes());
    let stored = stored_secrets(from_file(&path).unwrap());
    assert_eq!(stored, secrets_value(&[A]).unwrap());
}

#[test]
fn a_file_with_two_secrets_gives_both_hashes_whatever_the_line_endings() {
    for text in [
        format!("{A}\n{B}\n"),
        format!("{A}\r\n{B}"),
        format!("{A}\n\n{B}\n"),
    ] {
        let (_dir, path) = file(text.as_bytes());
        let stored = stored_secrets(from_file(&path).unwrap());
        assert_eq!(stored, secrets_value(&[A, B]).unwrap(), "{text:?}");
    }
}

#[test]
fn an_empty_file_is_refused() {
    for text in ["", "\n", "\r\n\n"] {
        let (_dir, path) = file(text.as_bytes());
        let err = from_file(&path).unwrap_err();
        assert!(
            matches!(err, SecretSourceError::Empty { .. }),
            "{text:?}: {err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains("--origin-secret-file") && message.contains("holds no origin secret"),
            "{message}"
        );
    }
}

#[test]
fn a_file_with_three_secrets_is_refused() {
    let (_dir, path) = file(format!("{A}\n{B}\n{C}\n").as_bytes());
    let err = from_file(&path).unwrap_err();
    assert!(
        matches!(
            err,
            SecretSourceError::Refused {
                source: SecretError::Count,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("give 1 or 2 distinct origin secrets"),
        "{err}"
    );
}

#[test]
fn a_file_with_the_same_secret_twice_is_refused() {
    let (_dir, path) = file(format!("{A}\n{A}\n").as_bytes());
    let err = from_file(&path).unwrap_err();
    assert!(
        matches!(
            err,
            SecretSourceError::Refused {
                source: SecretError::Count,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_malformed_secret_is_refused_without_echoing_it() {
    let short = "tooshort-secret";
    let spaced = format!(" {A}");
    let trailing = format!("{A} ");
    let odd = format!("{A}!");
    for bad in [short, spaced.as_str(), trailing.as_str(), odd.as_str()] {
        let (_dir, path) = file(format!("{B}\n{bad}\n").as_bytes());
        let err = from_file(&path).unwrap_err();
        assert!(
            matches!(
                err,
                SecretSourceError::Refused {
                    source: SecretError::Malformed,
                    ..
                }
            ),
            "{bad:?}: {err:?}"
        );
        let message = err.to_string();
        assert!(message.contains("must be 32–128 characters"), "{message}");
        assert!(
            !message.contains(bad.trim()) && !message.contains(B),
            "{message}"
        );
    }
}

#[test]
fn an_unreadable_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-file");
    let (_binary_dir, not_utf8) = file(b"\xff\xfe\n");
    for path in [missing, dir.path().to_path_buf(), not_utf8] {
        let err = from_file(&path).unwrap_err();
        assert!(
            matches!(err, SecretSourceError::Unreadable { .. }),
            "{path:?}: {err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "--origin-secret-file {}: cannot read it: ",
                path.display()
            )),
            "{message}"
        );
    }
}

#[test]
fn the_environment_variable_takes_commas_or_newlines() {
    for value in [A.to_owned(), format!("{A}\n")] {
        let stored = stored_secrets(from_env_value(OsStr::new(&value)).unwrap());
        assert_eq!(stored, secrets_value(&[A]).unwrap(), "{value:?}");
    }
    for value in [
        format!("{A},{B}"),
        format!("{A}\n{B}"),
        format!("{A}\r\n{B}\r\n"),
    ] {
        let stored = stored_secrets(from_env_value(OsStr::new(&value)).unwrap());
        assert_eq!(stored, secrets_value(&[A, B]).unwrap(), "{value:?}");
    }
}

#[test]
fn the_environment_variable_is_refused_when_empty_too_full_or_malformed() {
    for value in ["", ",", "\n"] {
        let err = from_env_value(OsStr::new(value)).unwrap_err();
        assert!(
            matches!(err, SecretSourceError::Empty { .. }),
            "{value:?}: {err:?}"
        );
        assert!(err.to_string().starts_with(ENV_VAR), "{err}");
    }
    let three = format!("{A},{B},{C}");
    let err = from_env_value(OsStr::new(&three)).unwrap_err();
    assert!(matches!(
        err,
        SecretSourceError::Refused {
            source: SecretError::Count,
            ..
        }
    ));
    let err = from_env_value(OsStr::new("tooshort-secret")).unwrap_err();
    assert!(matches!(
        err,
        SecretSourceError::Refused {
            source: SecretError::Malformed,
            ..
        }
    ));
}

#[test]
fn a_non_utf8_environment_value_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let err = from_env_value(OsStr::from_bytes(b"\xff")).unwrap_err();
    assert!(matches!(
        err,
        SecretSourceError::Refused {
            source: SecretError::Malformed,
            ..
        }
    ));
}

#[test]
fn one_source_at_a_time() {
    let (_dir, path) = file(format!("{A}\n").as_bytes());
    let env = OsStr::new(B);
    let kvs = Path::new("kvs.json");
    for (file, env, kvs, named) in [
        (
            Some(path.as_path()),
            Some(env),
            None,
            "--origin-secret-file and OAC_DEV_ORIGIN_SECRET",
        ),
        (
            Some(path.as_path()),
            None,
            Some(kvs),
            "--origin-secret-file and --kvs-file",
        ),
        (
            None,
            Some(env),
            Some(kvs),
            "OAC_DEV_ORIGIN_SECRET and --kvs-file",
        ),
    ] {
        let err = choose(file, env, kvs).unwrap_err();
        assert!(matches!(err, SecretSourceError::Ambiguous(_)), "{err:?}");
        assert!(err.to_string().contains(named), "{err}");
    }
}

#[test]
fn each_source_alone_gives_its_store() {
    let (_dir, path) = file(format!("{A}\n").as_bytes());
    assert_eq!(choose(None, None, None).unwrap(), None);
    let from_file = choose(Some(&path), None, None).unwrap().unwrap();
    assert_eq!(stored_secrets(from_file), secrets_value(&[A]).unwrap());
    let from_env = choose(None, Some(OsStr::new(B)), None).unwrap().unwrap();
    assert_eq!(stored_secrets(from_env), secrets_value(&[B]).unwrap());
    assert_eq!(
        choose(None, None, Some(Path::new("kvs.json"))).unwrap(),
        Some(KvsSource::File("kvs.json".into()))
    );
}
