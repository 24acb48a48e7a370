//! `oac-kit`: the toolkit's command. `doctor` is its first verb (docs/doctor.md).
//!
//! ```text
//! oac-kit doctor --template cdk.out [--probe https://api.example.com] [--json]
//! oac-kit doctor --distribution E2EXAMPLE [--function api] [--probe URL] [--json]
//! oac-kit doctor --probe https://api.example.com
//! oac-kit doctor --explain grant-invoke-function
//! ```
//!
//! Exit 0: every check passed or did not apply (and every probe answer was healthy); 1: something
//! failed; 2: usage or read error, with the message on stderr.

mod cli;
mod doctor;

use std::io::Write;
use std::process::ExitCode;

use cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::try_parse_checked(std::env::args_os()).unwrap_or_else(|e| e.exit());
    let outcome = match cli.command {
        Command::Doctor(args) => doctor::run(&args, &doctor::Live).await,
    };
    // A closed pipe (e.g. `| head`) is no reason to change the exit code.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.code)
}
