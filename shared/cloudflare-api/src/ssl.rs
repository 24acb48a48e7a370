//! The zone's `ssl` setting (`off`, `flexible`, `full`, `strict`).

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::client::Client;
use crate::error::Error;
use crate::ids::ZoneId;

/// The values Cloudflare's `ssl` setting takes.
pub const SSL_MODES: [&str; 4] = ["off", "flexible", "full", "strict"];

#[derive(Deserialize)]
struct Setting {
    value: String,
}

impl Client {
    /// The zone's SSL/TLS encryption mode.
    pub async fn ssl_mode(&self, zone: &ZoneId) -> Result<String, Error> {
        let path = format!("/zones/{zone}/settings/ssl");
        let setting: Setting = self.call(Method::GET, &path, &[], None).await?.result;
        Ok(setting.value)
    }

    /// Sets the zone's SSL/TLS encryption mode; `mode` must be one of [`SSL_MODES`].
    pub async fn set_ssl_mode(&self, zone: &ZoneId, mode: &str) -> Result<(), Error> {
        if !SSL_MODES.contains(&mode) {
            return Err(Error::Invalid(format!(
                "ssl mode {mode:?}: one of {SSL_MODES:?} expected"
            )));
        }
        let path = format!("/zones/{zone}/settings/ssl");
        let body = json!({ "value": mode });
        let _: Setting = self
            .call(Method::PATCH, &path, &[], Some(&body))
            .await?
            .result;
        Ok(())
    }
}
