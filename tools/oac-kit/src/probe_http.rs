//! Sends the probe's requests (`oac_doctor::probe::plan`) to the public hostname and collects the answers.

use oac_doctor::probe::ProbeAnswer;

/// The answers of `base` (an `https://` hostname) to the probe's requests.
pub async fn run(base: &url::Url) -> anyhow::Result<Vec<ProbeAnswer>> {
    anyhow::bail!("{base}: the probe is not built yet")
}
