//! `cargo xtask <task>`: oac-kit's build chores, in Rust so they run wherever cargo does.

mod api_zip;
mod cdk;
mod cfn_lint;
mod cloudflare_ips;
mod cloudfront_function;
mod crate_graph;
mod dev;
mod doctor_shapes;
mod edge;
mod elf_check;
mod emf_metrics;
mod functions;
mod header_name_cases;
mod kvs_arn_cases;
mod kvs_cases;
mod lambda;
mod paths;
mod run;
mod schemathesis;
mod serial_cases;
mod sizes;
mod supervise;
mod test;
mod toolchain;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "oac-kit build chores")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build the Lambda@Edge bundles into `target/edge/<function>/` (index.mjs, addon.node,
    /// config.json, `<function>.zip`), checking the addon loads on Node.js 22 / Amazon Linux 2023.
    Edge(edge::EdgeArgs),
    /// The local chain serving the Lambdalith: Cloudflare filter, body-hash, OAC, Function URL,
    /// api (builds everything it needs; Ctrl-C stops it).
    Dev(dev::DevArgs),
    /// Build the body-hash bundle and run it under Node.js on the sample events, printing the
    /// x-amz-content-sha256 it set (or the response it generated).
    Demo,
    /// Run every check and test: fmt, clippy, Rust tests, edge bundles, Node tests.
    Test(test::TestArgs),
    /// Schemathesis alone (a step of `test`): the api's OpenAPI document against the api and
    /// through the local chain, every check plus the RFC 9457 one (builds what it needs).
    Schemathesis,
    /// Benchmarks: body-hash bundle vs a plain Node.js handler, this machine's SHA-256 limit, and
    /// the ip-filter bundle in KVS mode (fresh data, refreshing) vs address only, and the
    /// KVS-mode CloudFront Function against the address-only one.
    Bench,
    /// Generate the ip-filter CloudFront Functions (cloudfront-js-2.0, viewer-request) from the
    /// bundled Cloudflare ranges (each checked ≤ 10 KB): target/edge/ip-filter.cloudfront.js
    /// (address only) and target/edge/ip-filter-kvs.cloudfront.js (address + origin secret, data
    /// from the KeyValueStore), each with its sidecar (`.cloudfront.json`: header, store, size).
    CloudfrontFunction(cloudfront_function::CloudfrontFunctionArgs),
    /// Build every artifact the CDK app deploys, then `cdk synth` with the arguments after `--`.
    Synth(cdk::CdkArgs),
    /// Build every artifact the CDK app deploys, then `cdk deploy` with the arguments after `--`
    /// (e.g. `-- --all -c readers=… --profile prod`).
    Deploy(cdk::CdkArgs),
    /// Refresh shared/cloudflare-ranges/ranges.json from Cloudflare's API; prints the diff and
    /// the new etag.
    CloudflareIps(cloudflare_ips::CloudflareIpsArgs),
    /// Print the crate graph and check the layout (a step of `test`): nothing that ships depends
    /// on dev/, no dependency cycle, oac-dev's components import only its model and plumbing.
    CrateGraph,
}

fn main() -> ExitCode {
    let result: Result<()> = match Cli::parse().task {
        Task::Edge(args) => edge::build(&args).map(|_| ()),
        Task::Dev(args) => dev::run_dev(&args),
        Task::Demo => test::demo(),
        Task::Test(args) => test::run_all(&args),
        Task::Schemathesis => schemathesis::run_alone(),
        Task::Bench => test::bench(),
        Task::CloudfrontFunction(args) => cloudfront_function::build(&args).map(|_| ()),
        Task::CloudflareIps(args) => cloudflare_ips::run(&args),
        Task::CrateGraph => crate_graph::run(),
        Task::Synth(args) => cdk::build_and_run("synth", &args),
        Task::Deploy(args) => cdk::build_and_run("deploy", &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
