//! `cargo xtask edge`: the Lambda@Edge bundles. Each is an `index.mjs` (the shared one, or the
//! function's own where it reads the event itself: body-hash), the function's
//! N-API addon (its Rust core) as `addon.node`, and `config.json` (Lambda@Edge has no environment
//! variables, so configuration is baked in here), plus `<function>.zip` ready for upload.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use clap::Args;
use cloudfront_event::{DecisionLogLevel, with_decision_log};
use zip::write::SimpleFileOptions;

use crate::elf_check::{MAX_GLIBC, check_addon};
use crate::functions::{self, Function, Kind};
use crate::run::{cargo, root, run};

/// Options of `cargo xtask edge`.
#[derive(Args, Default)]
pub struct EdgeArgs {
    /// body-hash: copy the viewer's Authorization into this header before OAC's `always`
    /// signing overwrites it (off by default).
    #[arg(long, value_name = "HEADER")]
    pub copy_authorization_to: Option<String>,
    /// ip-filter: also allow this CIDR besides Cloudflare's ranges, e.g. an office range for
    /// break-glass access (repeatable; give `cloudfront-function` the same ones).
    #[arg(long = "allow-cidr", value_name = "CIDR")]
    pub allow_cidrs: Vec<String>,
    /// ip-filter: also require the origin secret, with ranges and secrets fetched from this
    /// CloudFront KeyValueStore (`arn:aws:cloudfront::<account>:key-value-store/<id>`; Lambda@Edge
    /// has no environment variables, so the ARN is baked in at build time).
    #[arg(long, value_name = "ARN")]
    pub kvs_arn: Option<String>,
    /// ip-filter: the origin secret's header (default `x-origin-secret`); needs `--kvs-arn`.
    #[arg(long, value_name = "NAME", requires = "kvs_arn")]
    pub origin_secret_header: Option<String>,
    /// Both functions: which decisions get a log line — `all`, `refusals` (generated responses
    /// only: 403s and body-hash's problems) or `off`. Baked into `config.json` as `decisionLog`.
    #[arg(long, value_name = "LEVEL", default_value = "refusals")]
    pub decision_log: DecisionLogLevel,
}

/// Zipped size limit of a viewer-trigger bundle: the old Lambda@Edge viewer quota (1 MB), kept
/// because current docs and older ones disagree.
pub const VIEWER_ZIP_LIMIT: u64 = 1_000_000;

/// The files of a bundle, in zip order.
pub const BUNDLE_FILES: &[&str] = &["index.mjs", "addon.node", "config.json"];

/// The body-hash configuration: `--copy-authorization-to`, validated as the addon validates it.
pub fn body_hash_config(args: &EdgeArgs) -> Result<String> {
    let json = match &args.copy_authorization_to {
        Some(name) => format!("{{\"copyAuthorizationTo\":{name:?}}}"),
        None => "{}".to_owned(),
    };
    // The same validation the addon runs at init: a bad value fails the build, not the deploy.
    body_hash_core::Config::from_json(&json)?;
    Ok(json)
}

/// The ip-filter configuration: `--allow-cidr` values and the KVS options, validated exactly as
/// the addon validates `config.json` at init (so a bad CIDR or ARN fails the build, not the
/// deploy).
pub fn ip_filter_config(args: &EdgeArgs) -> Result<String> {
    let mut config = ip_filter_core::Config::with_extra_cidrs(args.allow_cidrs.iter().cloned())?;
    match &args.kvs_arn {
        Some(arn) => {
            config = config.with_kvs(arn, args.origin_secret_header.clone())?;
            ip_filter_core::kvs_viewer::KvsViewer::new(&config)?;
        }
        None => {
            ensure!(
                args.origin_secret_header.is_none(),
                "--origin-secret-header needs --kvs-arn"
            );
            ip_filter_core::IpFilter::new(&config)?;
        }
    }
    Ok(config.to_json())
}

/// A bundle's `config.json`: its core's options and the decision log level.
fn bundle_config(function: &Function, args: &EdgeArgs) -> Result<String> {
    let Kind::EdgeBundle { config, .. } = function.kind else {
        bail!("{} is not an edge bundle", function.name);
    };
    Ok(with_decision_log(&config(args)?, args.decision_log)?)
}

/// Builds every bundle; returns their directories.
pub fn build(args: &EdgeArgs) -> Result<Vec<PathBuf>> {
    // Every configuration is validated before anything is built or replaced: a bad flag leaves
    // the previous bundles as they were.
    let configs = functions::edge_bundles()
        .map(|f| bundle_config(f, args))
        .collect::<Result<Vec<_>>>()?;
    let mut cmd = cargo();
    cmd.args(["build", "--release", "--lib"]);
    for f in functions::edge_bundles() {
        cmd.args(["-p", f.package]);
    }
    run(&mut cmd)?;
    functions::edge_bundles()
        .zip(&configs)
        .map(|(f, config)| assemble(f, config))
        .collect()
}

fn assemble(function: &Function, config: &str) -> Result<PathBuf> {
    let (Kind::EdgeBundle { entry, .. }, Some(lib), Some(dir)) =
        (&function.kind, function.addon(), function.bundle_dir())
    else {
        bail!("{} is not an edge bundle", function.name);
    };
    let addon = fs::read(&lib).with_context(|| format!("reading {}", lib.display()))?;
    let needs = if function.checks_addon() {
        let report = check_addon(&addon, MAX_GLIBC)
            .with_context(|| format!("{} cannot run on Lambda@Edge", lib.display()))?;
        let highest = report.glibc_versions.last();
        format!(
            "x86-64 ELF, needs {}",
            highest.map_or("no glibc", String::as_str)
        )
    } else {
        "ELF not checked".to_owned()
    };

    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    fs::copy(root().join(entry), dir.join("index.mjs"))?;
    fs::write(dir.join("addon.node"), &addon)?;
    fs::write(dir.join("config.json"), config)?;

    let zip_path = function.artifact_path();
    write_zip(&dir, &zip_path)?;
    let zipped = fs::metadata(&zip_path)?.len();
    let zip_limit = function.max_bytes();
    if let Some(limit) = zip_limit {
        ensure!(
            zipped <= limit,
            "{} is {zipped} bytes zipped, over its {limit}-byte limit",
            zip_path.display()
        );
    }
    eprintln!(
        "{}: {} (addon {} KiB, zip {} KiB, {needs})",
        function.name,
        dir.display(),
        addon.len() / 1024,
        zipped / 1024,
    );
    let relative = format!("target/edge/{}", function.name);
    crate::sizes::record(&format!("{relative}/addon.node"), addon.len() as u64, None)?;
    crate::sizes::record(
        &format!("target/{}", function.artifact()),
        zipped,
        zip_limit,
    )?;
    Ok(dir)
}

/// Writes the bundle files into a zip with fixed timestamps (same input, same bytes), then reads
/// it back to check every file is there, whole.
fn write_zip(dir: &Path, zip_path: &Path) -> Result<()> {
    let mut zip = zip::ZipWriter::new(fs::File::create(zip_path)?);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644)
        .last_modified_time(zip::DateTime::default());
    for name in BUNDLE_FILES {
        zip.start_file(*name, options)?;
        zip.write_all(&fs::read(dir.join(name))?)?;
    }
    zip.finish()?;

    let mut archive = zip::ZipArchive::new(fs::File::open(zip_path)?)?;
    ensure!(
        archive.len() == BUNDLE_FILES.len(),
        "zip has {} entries",
        archive.len()
    );
    for name in BUNDLE_FILES {
        let mut entry = archive.by_name(name)?;
        let mut content = Vec::new();
        entry.read_to_end(&mut content)?;
        if content != fs::read(dir.join(name))? {
            bail!("{name} differs inside {}", zip_path.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c";

    #[test]
    fn kvs_arn_and_header_are_written_into_the_ip_filter_config() {
        let args = EdgeArgs {
            kvs_arn: Some(ARN.into()),
            origin_secret_header: Some("x-zone-key".into()),
            ..EdgeArgs::default()
        };
        assert_eq!(
            ip_filter_config(&args).unwrap(),
            format!(r#"{{"extraCidrs":[],"kvsArn":"{ARN}","originSecretHeader":"x-zone-key"}}"#)
        );
    }

    #[test]
    fn without_kvs_arn_the_ip_filter_config_is_todays() {
        assert_eq!(
            ip_filter_config(&EdgeArgs::default()).unwrap(),
            r#"{"extraCidrs":[]}"#
        );
    }

    /// `EdgeArgs` as `cargo xtask edge` parses them.
    #[derive(clap::Parser)]
    struct EdgeCli {
        #[command(flatten)]
        args: EdgeArgs,
    }

    fn parsed(argv: &[&str]) -> Result<EdgeArgs, clap::Error> {
        use clap::Parser;
        let argv = std::iter::once("edge").chain(argv.iter().copied());
        EdgeCli::try_parse_from(argv).map(|cli| cli.args)
    }

    #[test]
    fn the_decision_log_level_is_baked_into_both_configs_refusals_by_default() {
        let default = parsed(&[]).unwrap();
        for function in functions::edge_bundles() {
            let json = bundle_config(function, &default).unwrap();
            assert!(json.starts_with(r#"{"decisionLog":"refusals""#), "{json}");
        }
        let all = parsed(&["--decision-log", "all"]).unwrap();
        assert_eq!(
            bundle_config(&functions::IP_FILTER_EDGE, &all).unwrap(),
            r#"{"decisionLog":"all","extraCidrs":[]}"#
        );
        assert!(parsed(&["--decision-log", "some"]).is_err());
    }

    #[test]
    fn a_bad_kvs_arn_fails_the_build() {
        let args = EdgeArgs {
            kvs_arn: Some("arn:aws:s3:::bucket".into()),
            ..EdgeArgs::default()
        };
        assert!(ip_filter_config(&args).is_err());
    }

    #[test]
    fn a_secret_header_without_kvs_arn_fails_the_build() {
        let args = EdgeArgs {
            origin_secret_header: Some("x-zone-key".into()),
            ..EdgeArgs::default()
        };
        assert!(ip_filter_config(&args).is_err());
    }
}
