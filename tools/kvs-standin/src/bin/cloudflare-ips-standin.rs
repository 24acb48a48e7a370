//! `cloudflare-ips-standin --answer-file PATH [--port N]`: Cloudflare's `/client/v4/ips` on
//! 127.0.0.1, answered from the file (read at each request); prints `PORT <n>` once listening.

use std::path::PathBuf;

use clap::Parser;
use kvs_standin::CloudflareStandIn;

/// The Cloudflare API stand-in.
#[derive(Parser)]
struct Args {
    /// The file whose content is the answer.
    #[arg(long)]
    answer_file: PathBuf,
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let port = listener.local_addr()?.port();
    let _standin = CloudflareStandIn::serve(listener, args.answer_file);
    println!("PORT {port}");
    std::future::pending().await
}
