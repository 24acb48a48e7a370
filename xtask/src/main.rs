//! `cargo xtask <task>`: oac-kit's build chores, in Rust so they run wherever cargo does.

mod edge;
mod elf_check;
mod lambda;
mod run;
mod test;

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
    /// Build the Lambda@Edge bundles into target/edge/<function>/ (index.mjs, addon.node,
    /// config.json, <function>.zip), checking the addon loads on Node.js 22 / Amazon Linux 2023.
    Edge(edge::EdgeArgs),
    /// Build the body-hash bundle and run it under Node.js on the sample events, printing the
    /// x-amz-content-sha256 it set (or the response it generated).
    Demo,
    /// Run every check and test: fmt, clippy, Rust tests, edge bundles, Node tests.
    Test(test::TestArgs),
    /// Benchmarks: body-hash bundle vs a plain Node.js handler, and this machine's SHA-256 limit.
    Bench,
}

fn main() -> ExitCode {
    let result: Result<()> = match Cli::parse().task {
        Task::Edge(args) => edge::build(&args).map(|_| ()),
        Task::Demo => test::demo(),
        Task::Test(args) => test::run_all(&args),
        Task::Bench => test::bench(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
