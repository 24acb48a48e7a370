//! testSecret's proof that the public hostname answers: `GET TEST_URL` through Cloudflare (which
//! adds the rule's header) until a 2xx, at most `attempts` times with `delay` between; redirects
//! are not followed (a redirect is not the origin answering).

use std::time::Duration;

use url::Url;

/// GETs `url` until a 2xx; the last status or transport error when none came.
pub async fn until_2xx(url: &Url, attempts: u32, delay: Duration) -> Result<u16, String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let mut last = String::from("no attempt");
    for attempt in 1..=attempts.max(1) {
        if attempt > 1 {
            tokio::time::sleep(delay).await;
        }
        match client.get(url.clone()).send().await {
            Ok(answer) if answer.status().is_success() => return Ok(answer.status().as_u16()),
            Ok(answer) => last = format!("HTTP {}", answer.status().as_u16()),
            Err(e) => last = format!("{}", e.without_url()),
        }
    }
    let host = url.host_str().unwrap_or_default();
    Err(format!(
        "GET {}://{host}{} answered {last} on each of {attempts} attempts",
        url.scheme(),
        url.path()
    ))
}
