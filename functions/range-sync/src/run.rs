//! One invocation: fetch Cloudflare's list (the shared hardened fetch), read the secret, sync the
//! store, log the report line. A run that is not a success is also an error for Lambda (its
//! `Errors` metric), carrying the reason.

use std::time::SystemTime;

use cloudflare_ranges::fetch::{FetchPolicy, fetch, ips_url};

use crate::config::Config;
use crate::kvs::SdkStore;
use crate::plan::Inputs;
use crate::report::{Outcome, RunReport};
use crate::secrets::read_secret_string;
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
        let answer = match fetch(&url, &policy).await {
            Ok(answer) => answer,
            Err(e) => return RunReport::failed(Outcome::Failed, "cloudflare-fetch", e.to_string()),
        };
        let fetched_at = rfc3339(SystemTime::now());
        let secret_string =
            match read_secret_string(&self.secrets, &self.config.origin_secret_id).await {
                Ok(s) => s,
                Err(message) => return RunReport::failed(Outcome::Failed, "secret-read", message),
            };
        let inputs = Inputs {
            answer: &answer,
            source: &url,
            fetched_at: &fetched_at,
            secret_string: &secret_string,
            force: self.config.force_large_change,
        };
        sync(&self.store, inputs).await
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
