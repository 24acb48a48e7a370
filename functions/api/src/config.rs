//! Configuration from environment variables, validated once at start.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `STORE` | `sqlite` | `sqlite` (embedded file) or `dynamodb` |
//! | `SQLITE_PATH` | `api.sqlite3` | the SQLite file (`STORE=sqlite`) |
//! | `TABLE_NAME` | — (required for `dynamodb`) | the DynamoDB table (`pk`/`sk` string keys) |
//! | `IDENTITY_AUDIENCE` | — (required) | the `x-fluid-audience` callers must sign for, unique to this deployment |
//! | `IDENTITY_READERS` | empty | comma-separated IAM ARN patterns allowed to read |
//! | `IDENTITY_WRITERS` | empty | comma-separated IAM ARN patterns allowed to append (and read) |
//! | `IDENTITY_ALLOW_FEDERATED_USERS` | `false` | `true` accepts `federated-user/…` patterns (names the caller chose) |
//! | `IDENTITY_ALLOW_ANY_ACCOUNT` | `false` | `true` accepts a wildcard account and the bare `*` (every AWS account) |
//! | `IDENTITY_STS_REGIONS` | all standard regions | comma-separated regions whose STS hosts are accepted |
//! | `IDENTITY_STS_TIMEOUT_MS` | `2000` | total timeout of one STS call |
//! | `UNSAFE_STS_ENDPOINT_OVERRIDE` | unset | send validated STS calls to this loopback base URL (local stand-ins; refused on Lambda, see [`crate::sts_override`]) |
//! | `MAX_BODY_BYTES` | `65536` | request body limit (413 above it) |
//! | `PORT` | `3000` | loopback port when not running on Lambda |
//! | `LOG_LEVEL` | `info` | `tracing` filter directive |
//! | `METRICS` | `on` | `off`: no EMF metric lines (see [`crate::metrics`]) |
//! | `METRICS_NAMESPACE` | `OacKit/Api` | the CloudWatch namespace of the metrics |
//! | `API_INVOKE_MODE` | `buffered` | `response_stream`: answer through Lambda's response streaming (the Function URL's `InvokeMode` must match); `buffered`: the streamed routes answer 501 |
//! | `SSE_HEARTBEAT_MS` | `15000` | SSE heartbeat comment interval (100–60000) |
//! | `SSE_POLL_MS` | `1000` | how often the SSE route reads the store (10–60000) |
//! | `SSE_SETTLE_MS` | `2000` | SSE sends only events older than this (0–60000) |
//! | `SSE_MAX_SECONDS` | `600` | the longest one SSE response lasts (1–900) |
//! | `SSE_CLOSE_MARGIN_MS` | `2000` | SSE closes this long before the invocation's deadline (0–60000) |
//! | `EXPORT_PAGE_SIZE` | `500` | events per store read of the export (1–1000) |

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use fluid_identity::{Allowlist, Audience, HostAllowlist};

use crate::metrics::MetricsSettings;
use crate::sts_override;

mod allowlist;
mod streaming;
pub use allowlist::{ALLOW_ANY_ACCOUNT, ALLOW_FEDERATED_USERS};
pub use streaming::{INVOKE_MODE_VAR, InvokeMode, StreamSettings};

/// Allowlist role for readers.
pub const READERS: &str = "readers";
/// Allowlist role for writers.
pub const WRITERS: &str = "writers";

/// Which store to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// The embedded SQLite file.
    Sqlite {
        /// Database file.
        path: PathBuf,
    },
    /// DynamoDB.
    DynamoDb {
        /// Table name.
        table: String,
    },
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Storage backend.
    pub store: StoreConfig,
    /// `x-fluid-audience` of this service.
    pub audience: Audience,
    /// Reader and writer patterns, as roles [`READERS`] and [`WRITERS`].
    pub allowlist: Allowlist,
    /// Number of reader and writer patterns (for the startup log).
    pub pattern_counts: (usize, usize),
    /// Accepted STS hosts.
    pub sts_hosts: HostAllowlist,
    /// STS call timeout.
    pub sts_timeout: Duration,
    /// Operator override of the STS base URL (tests and local stand-ins only).
    pub unsafe_sts_endpoint: Option<String>,
    /// Request body limit in bytes.
    pub max_body_bytes: usize,
    /// Loopback port for the HTTP server.
    pub port: u16,
    /// `tracing` filter.
    pub log_level: String,
    /// `METRICS`, `METRICS_NAMESPACE`.
    pub metrics: MetricsSettings,
    /// `API_INVOKE_MODE`.
    pub invoke_mode: InvokeMode,
    /// `SSE_*` and `EXPORT_PAGE_SIZE`.
    pub streaming: StreamSettings,
}

/// Everything wrong with the environment, one line per variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration:\n  {}", .0.join("\n  "))]
pub struct ConfigError(pub Vec<String>);

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(&std::env::vars().collect())
    }

    /// Reads a variable map (tests).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let vars = HashMap::from([("STORE".to_owned(), "dynamodb".to_owned())]);
    /// let err = api::config::Config::from_vars(&vars).unwrap_err();
    /// assert!(err.to_string().contains("TABLE_NAME"));
    /// ```
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let mut errors = Vec::new();

        let store = match get("STORE").unwrap_or("sqlite") {
            "sqlite" => Some(StoreConfig::Sqlite {
                path: PathBuf::from(get("SQLITE_PATH").unwrap_or("api.sqlite3")),
            }),
            "dynamodb" => match get("TABLE_NAME") {
                Some(table) if is_table_name(table) => Some(StoreConfig::DynamoDb {
                    table: table.to_owned(),
                }),
                Some(table) => {
                    errors.push(format!(
                        "TABLE_NAME={table:?}: a DynamoDB table name is 3-255 characters of A-Z a-z 0-9 _ - ."
                    ));
                    None
                }
                None => {
                    errors.push("TABLE_NAME: required when STORE=dynamodb".to_owned());
                    None
                }
            },
            other => {
                errors.push(format!(
                    "STORE={other:?}: expected \"sqlite\" or \"dynamodb\""
                ));
                None
            }
        };

        // No default: a shared audience would let a value minted for one deployment replay at
        // another until it expires.
        // The rule is fluid_identity's (`check_audience`), the one the signer applies.
        let audience = match get("IDENTITY_AUDIENCE") {
            None => {
                errors.push(
                    "IDENTITY_AUDIENCE: required: the x-fluid-audience callers sign for, unique to this deployment".to_owned(),
                );
                None
            }
            Some(audience) => match Audience::new(audience) {
                Ok(audience) => Some(audience),
                Err(e) => {
                    errors.push(format!("IDENTITY_AUDIENCE={audience:?}: {e}"));
                    None
                }
            },
        };

        let (allowlist, counts) = allowlist::allowlist_from_vars(get, &mut errors);

        let sts_hosts = match get("IDENTITY_STS_REGIONS") {
            None => HostAllowlist::standard(),
            Some(list) => {
                let regions: Vec<&str> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .collect();
                match HostAllowlist::for_regions(&regions) {
                    Ok(hosts) if !regions.is_empty() => hosts,
                    Ok(_) => {
                        errors.push("IDENTITY_STS_REGIONS: no region listed".to_owned());
                        HostAllowlist::standard()
                    }
                    Err(e) => {
                        errors.push(format!("IDENTITY_STS_REGIONS: {e}"));
                        HostAllowlist::standard()
                    }
                }
            }
        };

        let sts_timeout_ms = number(
            &mut errors,
            get("IDENTITY_STS_TIMEOUT_MS"),
            "IDENTITY_STS_TIMEOUT_MS",
            2000,
            100..=30_000,
        );
        let max_body_bytes = number(
            &mut errors,
            get("MAX_BODY_BYTES"),
            "MAX_BODY_BYTES",
            65_536,
            1024..=6_000_000,
        );
        let port = number(&mut errors, get("PORT"), "PORT", 3000, 1..=65_535);

        let unsafe_sts_endpoint =
            get(sts_override::VAR).and_then(|url| {
                match sts_override::check(url, |name| vars.contains_key(name)) {
                    Ok(url) => Some(url),
                    Err(e) => {
                        errors.push(format!("{}={url:?}: {e}", sts_override::VAR));
                        None
                    }
                }
            });

        let log_level = get("LOG_LEVEL").unwrap_or("info").to_owned();
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            errors.push(format!(
                "LOG_LEVEL={log_level:?}: not a tracing filter directive"
            ));
        }

        let metrics = crate::metrics::settings::settings_from_vars(get, &mut errors);
        let (invoke_mode, streaming) = streaming::streaming_from_vars(get, &mut errors);

        match (store, audience) {
            (Some(store), Some(audience)) if errors.is_empty() => Ok(Config {
                store,
                audience,
                allowlist,
                pattern_counts: counts,
                sts_hosts,
                sts_timeout: Duration::from_millis(sts_timeout_ms as u64),
                unsafe_sts_endpoint,
                max_body_bytes,
                port: port as u16,
                log_level,
                metrics,
                invoke_mode,
                streaming,
            }),
            _ => Err(ConfigError(errors)),
        }
    }
}

fn number(
    errors: &mut Vec<String>,
    value: Option<&str>,
    name: &str,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> usize {
    let Some(value) = value else { return default };
    match value.parse::<usize>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.push(format!(
                "{name}={value:?}: expected an integer in {}..={}",
                range.start(),
                range.end()
            ));
            default
        }
    }
}

fn is_table_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pairs` plus the one required variable, `IDENTITY_AUDIENCE` (unless given).
    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        let mut vars = HashMap::from([("IDENTITY_AUDIENCE".to_owned(), "test-api".to_owned())]);
        vars.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        vars
    }

    #[test]
    fn defaults_run_locally_on_sqlite() {
        let c = Config::from_vars(&vars(&[])).unwrap();
        assert_eq!(
            c.store,
            StoreConfig::Sqlite {
                path: "api.sqlite3".into()
            }
        );
        assert_eq!((c.port, c.max_body_bytes), (3000, 65_536));
        assert_eq!(c.unsafe_sts_endpoint, None);
    }

    #[test]
    fn dynamodb_takes_the_table_name() {
        let c = Config::from_vars(&vars(&[
            ("STORE", "dynamodb"),
            ("TABLE_NAME", "oac-kit-api"),
        ]))
        .unwrap();
        assert_eq!(
            c.store,
            StoreConfig::DynamoDb {
                table: "oac-kit-api".into()
            }
        );
    }

    #[test]
    fn every_bad_variable_is_reported_at_once() {
        let err = Config::from_vars(&vars(&[
            ("STORE", "postgres"),
            ("MAX_BODY_BYTES", "lots"),
            ("IDENTITY_WRITERS", "arn:aws:iam::111122223333:role/team/*"),
            ("UNSAFE_STS_ENDPOINT_OVERRIDE", "ftp://x"),
            ("PORT", "0"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        for name in [
            "STORE",
            "MAX_BODY_BYTES",
            "IDENTITY_WRITERS",
            "UNSAFE_STS_ENDPOINT_OVERRIDE",
            "PORT",
        ] {
            assert!(text.contains(name), "{name} missing from {text}");
        }
        assert_eq!(err.0.len(), 5);
    }

    #[test]
    fn an_audience_over_128_characters_is_refused() {
        let long = "a".repeat(129);
        let err = Config::from_vars(&vars(&[("IDENTITY_AUDIENCE", &long)])).unwrap_err();
        assert!(err.to_string().contains("longer than 128"), "{err}");
    }

    #[test]
    fn an_audience_with_a_space_is_refused() {
        let err = Config::from_vars(&vars(&[("IDENTITY_AUDIENCE", "orders api")])).unwrap_err();
        assert!(err.to_string().contains("visible ASCII"), "{err}");
    }

    #[test]
    fn patterns_are_split_on_commas_into_roles() {
        let c = Config::from_vars(&vars(&[
            (
                "IDENTITY_READERS",
                "arn:aws:iam::111122223333:role/*, arn:aws:iam::444455556666:root",
            ),
            (
                "IDENTITY_WRITERS",
                "arn:aws:iam::111122223333:role/deployer",
            ),
        ]))
        .unwrap();
        assert_eq!(c.pattern_counts, (2, 1));
        let p = fluid_identity::Principal::from_caller_arn(
            "arn:aws:sts::111122223333:assumed-role/deployer/s",
        )
        .unwrap();
        assert_eq!(c.allowlist.roles_of(&p), vec![READERS, WRITERS]);
    }

    #[test]
    fn a_bad_metrics_switch_is_refused_with_the_rest() {
        let err = Config::from_vars(&vars(&[("METRICS", "yes")])).unwrap_err();
        assert!(err.to_string().contains("METRICS=\"yes\""), "{err}");
    }

    #[test]
    fn malformed_regions_are_refused() {
        let err =
            Config::from_vars(&vars(&[("IDENTITY_STS_REGIONS", "eu-west-1,EU WEST")])).unwrap_err();
        assert!(err.to_string().contains("IDENTITY_STS_REGIONS"));
    }
}
