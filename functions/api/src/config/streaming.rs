//! `API_INVOKE_MODE` and the streaming settings: how the function answers on Lambda, and the
//! timing of the SSE route and the page size of the export.

use std::time::Duration;

/// `API_INVOKE_MODE`: `buffered` (default) or `response_stream`.
pub const INVOKE_MODE_VAR: &str = "API_INVOKE_MODE";

/// How the function answers Function URL invocations; must match the URL's `InvokeMode` (the CDK
/// sets both from one value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvokeMode {
    /// One JSON payload per invocation (the Function URL's `BUFFERED` mode); the streamed routes
    /// answer 501 `streaming-unavailable`.
    #[default]
    Buffered,
    /// Every answer through the Lambda response-streaming protocol (the URL's `RESPONSE_STREAM`
    /// mode): a prelude, then the body as it is produced.
    ResponseStream,
}

impl InvokeMode {
    /// The variable's value for this mode.
    pub fn as_str(self) -> &'static str {
        match self {
            InvokeMode::Buffered => "buffered",
            InvokeMode::ResponseStream => "response_stream",
        }
    }
}

/// The validated settings of the two streamed routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSettings {
    /// `SSE_HEARTBEAT_MS`: a comment line after this long without output (below CloudFront's
    /// 30 s origin read timeout).
    pub heartbeat: Duration,
    /// `SSE_POLL_MS`: how often the SSE route reads the store.
    pub poll: Duration,
    /// `SSE_SETTLE_MS`: only events whose UUIDv7 time is older than this are sent (an append that
    /// took its ID earlier may still be committing).
    pub settle: Duration,
    /// `SSE_MAX_SECONDS`: the longest one SSE response lasts.
    pub max_duration: Duration,
    /// `SSE_CLOSE_MARGIN_MS`: the SSE response closes this long before the invocation's deadline.
    pub close_margin: Duration,
    /// `EXPORT_PAGE_SIZE`: events read from the store per page of the export.
    pub export_page_size: usize,
}

impl Default for StreamSettings {
    /// The documented defaults (15 s heartbeat, 1 s poll, 2 s settle, 600 s, 2 s margin, 500).
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_millis(15_000),
            poll: Duration::from_millis(1_000),
            settle: Duration::from_millis(2_000),
            max_duration: Duration::from_secs(600),
            close_margin: Duration::from_millis(2_000),
            export_page_size: 500,
        }
    }
}

/// Reads `API_INVOKE_MODE` and the streaming variables; every bad value is pushed to `errors`
/// (the default is kept in its place).
pub(crate) fn streaming_from_vars<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    errors: &mut Vec<String>,
) -> (InvokeMode, StreamSettings) {
    let mode = match get(INVOKE_MODE_VAR) {
        None | Some("buffered") => InvokeMode::Buffered,
        Some("response_stream") => InvokeMode::ResponseStream,
        Some(other) => {
            errors.push(format!(
                "{INVOKE_MODE_VAR}={other:?}: expected \"buffered\" or \"response_stream\""
            ));
            InvokeMode::Buffered
        }
    };
    let defaults = StreamSettings::default();
    let mut millis = |name: &str, default: Duration, range: std::ops::RangeInclusive<u64>| {
        let value = super::number(
            errors,
            get(name),
            name,
            default.as_millis() as usize,
            *range.start() as usize..=*range.end() as usize,
        );
        Duration::from_millis(value as u64)
    };
    let heartbeat = millis("SSE_HEARTBEAT_MS", defaults.heartbeat, 100..=60_000);
    let poll = millis("SSE_POLL_MS", defaults.poll, 10..=60_000);
    let settle = millis("SSE_SETTLE_MS", defaults.settle, 0..=60_000);
    let close_margin = millis("SSE_CLOSE_MARGIN_MS", defaults.close_margin, 0..=60_000);
    let max_seconds = super::number(
        errors,
        get("SSE_MAX_SECONDS"),
        "SSE_MAX_SECONDS",
        defaults.max_duration.as_secs() as usize,
        1..=900,
    );
    let export_page_size = super::number(
        errors,
        get("EXPORT_PAGE_SIZE"),
        "EXPORT_PAGE_SIZE",
        defaults.export_page_size,
        1..=1000,
    );
    (
        mode,
        StreamSettings {
            heartbeat,
            poll,
            settle,
            max_duration: Duration::from_secs(max_seconds as u64),
            close_margin,
            export_page_size,
        },
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::Config;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, crate::config::ConfigError> {
        let mut vars = HashMap::from([("IDENTITY_AUDIENCE".to_owned(), "test-api".to_owned())]);
        vars.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Config::from_vars(&vars)
    }

    #[test]
    fn buffered_with_the_documented_defaults_unless_told() {
        let c = config(&[]).unwrap();
        assert_eq!(c.invoke_mode, InvokeMode::Buffered);
        assert_eq!(c.streaming, StreamSettings::default());
        assert_eq!(c.streaming.heartbeat, Duration::from_secs(15));
        assert_eq!(c.streaming.export_page_size, 500);
    }

    #[test]
    fn every_streaming_variable_is_read() {
        let c = config(&[
            ("API_INVOKE_MODE", "response_stream"),
            ("SSE_HEARTBEAT_MS", "500"),
            ("SSE_POLL_MS", "100"),
            ("SSE_SETTLE_MS", "0"),
            ("SSE_MAX_SECONDS", "3"),
            ("SSE_CLOSE_MARGIN_MS", "250"),
            ("EXPORT_PAGE_SIZE", "7"),
        ])
        .unwrap();
        assert_eq!(c.invoke_mode, InvokeMode::ResponseStream);
        assert_eq!(
            c.streaming,
            StreamSettings {
                heartbeat: Duration::from_millis(500),
                poll: Duration::from_millis(100),
                settle: Duration::ZERO,
                max_duration: Duration::from_secs(3),
                close_margin: Duration::from_millis(250),
                export_page_size: 7,
            }
        );
        assert_eq!(
            config(&[("API_INVOKE_MODE", "buffered")])
                .unwrap()
                .invoke_mode,
            InvokeMode::Buffered
        );
    }

    #[test]
    fn an_unknown_invoke_mode_is_refused() {
        for value in ["RESPONSE_STREAM", "streaming", "response-stream"] {
            let err = config(&[("API_INVOKE_MODE", value)]).unwrap_err();
            assert!(
                err.to_string().contains("API_INVOKE_MODE"),
                "{value}: {err}"
            );
        }
    }

    #[test]
    fn out_of_range_timings_and_page_sizes_are_refused_together() {
        let err = config(&[
            ("SSE_HEARTBEAT_MS", "99"),
            ("SSE_POLL_MS", "fast"),
            ("SSE_SETTLE_MS", "-1"),
            ("SSE_MAX_SECONDS", "0"),
            ("SSE_CLOSE_MARGIN_MS", "60001"),
            ("EXPORT_PAGE_SIZE", "1001"),
        ])
        .unwrap_err();
        assert_eq!(err.0.len(), 6, "{err}");
        for name in [
            "SSE_HEARTBEAT_MS",
            "SSE_POLL_MS",
            "SSE_SETTLE_MS",
            "SSE_MAX_SECONDS",
            "SSE_CLOSE_MARGIN_MS",
            "EXPORT_PAGE_SIZE",
        ] {
            assert!(err.to_string().contains(name), "{name} missing from {err}");
        }
    }
}
