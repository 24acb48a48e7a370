//! One invocation: fetch Cloudflare's list (the shared hardened fetch), read the secret's
//! AWSCURRENT and AWSPENDING, sync the store, log the report line. A fetch or a read that fails
//! is that part's failure only: the other part is still planned and written. A run that is not a
//! success is also an error for Lambda (its `Errors` metric), carrying the reason.

use std::time::SystemTime;

use cloudflare_ranges::fetch::{FetchPolicy, fetch, ips_url};

use crate::config::Config;
use crate::kvs::SdkStore;
use crate::plan::{Fetched, Inputs, PartFailure, RangesInput};
use crate::report::RunReport;
use crate::secrets::read_secret_strings;
use crate::sync::sync;

/// The clients and configuration, made once per Lambda instance.
#[derive(Debug)]
pub struct RangeSync {
    config: Config,
    store: SdkStore,
    secrets: aws_sdk_secretsmanager::Client,
}

impl RangeSync {
    /// Clients for `config` from the SDK's configuration (credentials and region of the
    /// environment).
    pub fn new(config: Config, sdk_config: &aws_config::SdkConfig) -> Self {
        Self {
            store: SdkStore::new(sdk_config, &config.kvs_arn, config.kvs_endpoint.as_deref()),
            secrets: aws_sdk_secretsmanager::Client::new(sdk_config),
            config,
        }
    }

    /// Runs once and prints the report line.
    pub async fn run_once(&self) -> RunReport {
        let report = self.run().await;
        println!("{}", report.log_line(now_ms()));
        report
    }

    async fn run(&self) -> RunReport {
        let url = ips_url(&self.config.cloudflare_api_base);
        let policy = FetchPolicy::with_timeout(self.config.cloudflare_timeout);
        let ranges = match fetch(&url, &policy).await {
            Ok(answer) => RangesInput::Fetched(Fetched {
                answer,
                source: url,
                fetched_at: rfc3339(SystemTime::now()),
                force: self.config.force_large_change,
            }),
            Err(e) => {
                RangesInput::Unavailable(PartFailure::failed("cloudflare-fetch", e.to_string()))
            }
        };
        let secrets = read_secret_strings(&self.secrets, &self.config.origin_secret_id)
            .await
            .map_err(|message| PartFailure::failed("secret-read", message));
        sync(&self.store, &Inputs { ranges, secrets }).await
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (UTC; the `time` crate's calendar).
fn rfc3339(at: SystemTime) -> String {
    let t = time::OffsetDateTime::from(at);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn fetch_times_are_utc_rfc3339() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(20_423 * 86_400 + 3_723);
        assert_eq!(super::rfc3339(at), "2025-12-01T01:02:03Z");
    }

    use std::time::SystemTime;
}
