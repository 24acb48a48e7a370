//! `cargo xtask cloudflare-ips`: refreshes `shared/cloudflare-ranges/ranges.json` from
//! Cloudflare's API (`GET <base>/client/v4/ips`, fetched by `cloudflare_ranges::fetch`, the
//! hardened fetch the range-sync Lambda runs too: https only,
//! no redirects, no environment proxy unless asked, a body cap, timeouts), validated by
//! `cloudflare_ranges::refresh` (`success: true`, non-empty lists, every CIDR strict, the range
//! rules, a printable etag; no shrink of more than a third of the entries and no more than
//! doubling of the addresses without `--force`), then prints the diff and the new etag.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use clap::Args;
use cloudflare_ranges::Snapshot;
use cloudflare_ranges::fetch::{FetchPolicy, MAX_BODY_BYTES, ips_url};
use cloudflare_ranges::refresh::{Diff, plan};

use crate::run::root;

/// Options of `cargo xtask cloudflare-ips`.
#[derive(Args)]
pub struct CloudflareIpsArgs {
    /// Base URL of Cloudflare's API (the path /client/v4/ips is appended); https, or http to a
    /// loopback address.
    #[arg(long, default_value = "https://api.cloudflare.com")]
    pub base_url: String,
    /// Write the new lists even if one shrinks by more than a third of its entries or a family's
    /// addresses more than double (the range rules still apply).
    #[arg(long)]
    pub force: bool,
    /// Use the proxy named by HTTPS_PROXY / HTTP_PROXY / ALL_PROXY (ignored otherwise).
    #[arg(long)]
    pub use_env_proxy: bool,
    /// Give up on the fetch after this many seconds (connecting takes at most 10 of them).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,
    /// The snapshot to rewrite (relative to the workspace root).
    #[arg(long, default_value = "shared/cloudflare-ranges/ranges.json")]
    pub snapshot: PathBuf,
}

/// What a refresh wrote.
#[derive(Debug)]
pub struct Refreshed {
    /// The changes to the ranges.
    pub diff: Diff,
    /// The API's new etag, if it sent one.
    pub etag: Option<String>,
}

/// Fetches, validates, rewrites the snapshot and prints the diff and etag.
pub fn run(args: &CloudflareIpsArgs) -> Result<()> {
    let refreshed = refresh(args)?;
    print!("{}", refreshed.diff);
    println!(
        "etag: {}",
        refreshed.etag.as_deref().unwrap_or("(none in the answer)")
    );
    Ok(())
}

/// Does the refresh; the snapshot file is left untouched on any error.
pub fn refresh(args: &CloudflareIpsArgs) -> Result<Refreshed> {
    let path = root().join(&args.snapshot);
    let old = Snapshot::from_json(
        &fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
    )
    .with_context(|| format!("current snapshot {}", path.display()))?;
    let url = ips_url(&args.base_url);
    let body = fetch(
        &url,
        &FetchPolicy {
            timeout: Duration::from_secs(args.timeout),
            max_body_bytes: MAX_BODY_BYTES,
            use_env_proxy: args.use_env_proxy,
        },
    )?;
    // The file being refreshed is the reviewed snapshot and the last list alike.
    let refresh = plan(&old, &old, &body, &url, &today(), args.force)
        .with_context(|| format!("answer from {url}"))?;
    write_atomically(&path, &refresh.snapshot.to_json())?;
    Ok(Refreshed {
        diff: refresh.diff,
        etag: refresh.snapshot.etag,
    })
}

/// `GET url` under `policy` (the shared hardened fetch), driven on a one-off runtime.
fn fetch(url: &str, policy: &FetchPolicy) -> Result<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(cloudflare_ranges::fetch::fetch(url, policy))?)
}

fn write_atomically(path: &Path, content: &str) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, content)?;
    fs::rename(&tmp, path)?;
    Ok(())
}

/// Today's UTC date as `YYYY-MM-DD`.
fn today() -> String {
    utc_date(SystemTime::now())
}

/// The UTC calendar date of `time` as `YYYY-MM-DD` (the `time` crate's proleptic Gregorian).
fn utc_date(time: SystemTime) -> String {
    time::OffsetDateTime::from(time).date().to_string()
}

#[cfg(test)]
mod tests {
    //! The refresh against a local HTTP server on 127.0.0.1 serving recorded answers
    //! (`shared/cloudflare-ranges/tests/api/`); no internet needed.

    use super::*;
    use crate::paths::target_dir as cargo_target_dir;
    use cloudflare_ranges::test_server::serve_answer;
    use std::time::UNIX_EPOCH;

    fn recorded(name: &str) -> String {
        fs::read_to_string(root().join("shared/cloudflare-ranges/tests/api").join(name)).unwrap()
    }

    /// A scratch copy of the bundled snapshot; returns its path (absolute).
    fn scratch_snapshot(test: &str) -> PathBuf {
        let dir =
            cargo_target_dir().join(format!("tmp-cloudflare-ips/{test}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ranges.json");
        fs::write(&path, cloudflare_ranges::SNAPSHOT_JSON).unwrap();
        path
    }

    fn run_against(
        test: &str,
        status: u16,
        answer: &str,
        force: bool,
    ) -> (Result<Refreshed>, PathBuf) {
        let path = scratch_snapshot(test);
        let (base_url, server) = serve_answer(status, "", recorded(answer));
        let result = refresh(&CloudflareIpsArgs {
            base_url: format!("{base_url}/"),
            force,
            use_env_proxy: false,
            timeout: 30,
            snapshot: path.clone(),
        });
        let request_line = server.join().unwrap();
        assert_eq!(request_line, "GET /client/v4/ips HTTP/1.1");
        (result, path)
    }

    fn assert_untouched(path: &Path) {
        assert_eq!(
            fs::read_to_string(path).unwrap(),
            cloudflare_ranges::SNAPSHOT_JSON
        );
    }

    #[test]
    fn unchanged_lists_rewrite_date_and_etag_only() {
        let (result, path) = run_against("same", 200, "good-same.json", false);
        let refreshed = result.unwrap();
        assert!(refreshed.diff.is_empty());
        assert_eq!(refreshed.etag.as_deref(), Some("fixture-etag-same"));
        let written = Snapshot::from_json(&fs::read_to_string(&path).unwrap()).unwrap();
        let bundled = Snapshot::bundled().unwrap();
        assert_eq!(written.ipv4_cidrs, bundled.ipv4_cidrs);
        assert_eq!(written.ipv6_cidrs, bundled.ipv6_cidrs);
        assert_eq!(written.etag.as_deref(), Some("fixture-etag-same"));
        assert!(written.source.ends_with("/client/v4/ips"));
        assert_eq!(written.date, today());
        assert_eq!(written.note, None);
    }

    #[test]
    fn changed_lists_are_written_and_diffed() {
        let (result, path) = run_against("changed", 200, "good-changed.json", false);
        let refreshed = result.unwrap();
        assert_eq!(refreshed.diff.removed_v4, ["131.0.72.0/22"]);
        assert_eq!(refreshed.diff.added_v4, ["1.1.1.0/24"]);
        assert_eq!(refreshed.diff.added_v6, ["2400:cb01::/32"]);
        assert!(refreshed.diff.removed_v6.is_empty());
        assert_eq!(
            refreshed.diff.to_string(),
            "- 131.0.72.0/22\n+ 1.1.1.0/24\n+ 2400:cb01::/32\n"
        );
        let written = Snapshot::from_json(&fs::read_to_string(&path).unwrap()).unwrap();
        assert!(written.ipv4_cidrs.contains(&"1.1.1.0/24".to_owned()));
        assert_eq!(written.etag.as_deref(), Some("fixture-etag-changed"));
    }

    #[test]
    fn success_false_is_refused() {
        let (result, path) = run_against("unsuccessful", 200, "bad-success-false.json", false);
        assert!(format!("{:#}", result.unwrap_err()).contains("success: false"));
        assert_untouched(&path);
    }

    #[test]
    fn empty_list_is_refused() {
        let (result, path) = run_against("empty", 200, "bad-empty-ipv6.json", true);
        assert!(format!("{:#}", result.unwrap_err()).contains("IPv6 list is empty"));
        assert_untouched(&path);
    }

    #[test]
    fn unparsable_cidr_is_refused() {
        let (result, path) = run_against("cidr", 200, "bad-cidr.json", true);
        assert!(format!("{:#}", result.unwrap_err()).contains("104.16.0.0/33"));
        assert_untouched(&path);
    }

    #[test]
    fn big_shrink_needs_force() {
        let (result, path) = run_against("shrink", 200, "shrunk.json", false);
        assert!(format!("{:#}", result.unwrap_err()).contains("shrink from 15 to 5"));
        assert_untouched(&path);

        let (result, path) = run_against("shrink-forced", 200, "shrunk.json", true);
        assert_eq!(result.unwrap().diff.removed_v4.len(), 10);
        let written = Snapshot::from_json(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(written.ipv4_cidrs.len(), 5);
    }

    /// A poisoned answer is refused, `--force` or not, and the snapshot is left as it was.
    fn assert_poisoned_answer_refused(test: &str, answer: &str, reason: &str) {
        let (result, path) = run_against(test, 200, answer, true);
        let e = format!("{:#}", result.unwrap_err());
        assert!(e.contains(reason), "{e}");
        assert_untouched(&path);
    }

    #[test]
    fn answer_with_all_of_ipv4_is_refused() {
        assert_poisoned_answer_refused(
            "all-v4",
            "poisoned-all-ipv4.json",
            "0.0.0.0/0 is too large: the shortest IPv4 prefix accepted is /12",
        );
    }

    #[test]
    fn answer_with_all_of_ipv6_is_refused() {
        assert_poisoned_answer_refused(
            "all-v6",
            "poisoned-all-ipv6.json",
            "::/0 is too large: the shortest IPv6 prefix accepted is /24",
        );
    }

    #[test]
    fn answer_with_a_slash_one_is_refused() {
        assert_poisoned_answer_refused(
            "slash-one",
            "poisoned-slash-one.json",
            "128.0.0.0/1 is too large",
        );
    }

    #[test]
    fn answer_with_a_private_range_is_refused() {
        assert_poisoned_answer_refused(
            "private",
            "poisoned-private.json",
            "10.0.0.0/16 overlaps 10.0.0.0/8 (private-use, RFC 1918)",
        );
    }

    #[test]
    fn answer_with_a_line_separator_in_the_etag_is_refused() {
        assert_poisoned_answer_refused("etag", "poisoned-etag.json", "provenance field etag");
    }

    #[test]
    fn answer_doubling_the_addresses_needs_force() {
        let (result, path) = run_against("growth", 200, "grown.json", false);
        let e = format!("{:#}", result.unwrap_err());
        assert!(e.contains("the IPv4 ranges would grow"), "{e}");
        assert_untouched(&path);

        let (result, _) = run_against("growth-forced", 200, "grown.json", true);
        assert_eq!(
            result.unwrap().diff.added_v4,
            ["45.0.0.0/12", "46.0.0.0/12"]
        );
    }

    #[test]
    fn plain_http_base_url_is_refused_before_any_request() {
        let path = scratch_snapshot("plain-http");
        let e = refresh(&CloudflareIpsArgs {
            base_url: "http://api.cloudflare.com".into(),
            force: false,
            use_env_proxy: false,
            timeout: 30,
            snapshot: path.clone(),
        })
        .unwrap_err();
        assert!(format!("{e:#}").contains("plain http"), "{e:#}");
        assert_untouched(&path);
    }

    #[test]
    fn http_error_is_refused() {
        let (result, path) = run_against("http-500", 500, "bad-success-false.json", true);
        assert!(format!("{:#}", result.unwrap_err()).contains("500"));
        assert_untouched(&path);
    }

    #[test]
    fn non_json_is_refused() {
        let (result, path) = run_against("html", 200, "bad-not-json.html", true);
        assert!(format!("{:#}", result.unwrap_err()).contains("not a Cloudflare"));
        assert_untouched(&path);
    }

    #[test]
    fn snapshot_dates_are_utc_calendar_dates() {
        let day = |days: u64| utc_date(UNIX_EPOCH + Duration::from_secs(days * 86_400));
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(11_016), "2000-02-29");
        assert_eq!(day(20_415), "2025-11-23");
        // The last second of a day is still that day.
        assert_eq!(
            utc_date(UNIX_EPOCH + Duration::from_secs(20_416 * 86_400 - 1)),
            "2025-11-23"
        );
    }
}
