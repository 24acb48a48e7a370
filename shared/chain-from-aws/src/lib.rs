//! One deployed distribution's chain, for `oac-kit doctor --distribution`.

use aws_config::SdkConfig;
use oac_doctor::model::Chain;

/// How to read.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The function behind the Function URL origin, when the caller knows it (else it is found).
    pub function: Option<String>,
}

/// Why the distribution could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An AWS call failed.
    #[error("{0}")]
    Aws(String),
}

/// The chain of distribution `id`.
pub async fn read(config: &SdkConfig, id: &str, options: &Options) -> Result<Chain, Error> {
    let _ = (config, options);
    Err(Error::Aws(format!(
        "distribution {id}: the live reader is not built yet"
    )))
}
