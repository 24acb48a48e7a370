//! `kvs-standin --kvs-arn ARN --state-file PATH [--port N]`: the KVS data-plane stand-in on
//! 127.0.0.1; prints `PORT <n>` once listening.

use std::path::PathBuf;

use clap::Parser;
use kvs_standin::KvsStandIn;

/// The KVS data-plane stand-in.
#[derive(Parser)]
struct Args {
    /// The ARN the store answers to.
    #[arg(long)]
    kvs_arn: String,
    /// The state file (read at start if present, rewritten after every change).
    #[arg(long)]
    state_file: PathBuf,
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let port = listener.local_addr()?.port();
    let _standin = KvsStandIn::serve(listener, &args.kvs_arn, Some(args.state_file))?;
    println!("PORT {port}");
    std::future::pending().await
}
