//! `cloudflare-standin --zone-id ID [--zone-name NAME] --token TOKEN=PERMS... [--port N]`: the
//! Cloudflare v4 stand-in on 127.0.0.1; prints `BASE http://127.0.0.1:<port>/client/v4` once
//! listening. PERMS: `all`, or a comma-separated list of `dns:read`, `dns:edit`,
//! `zone_settings:read`, `zone_settings:edit`, `transform_rules:read`, `transform_rules:edit`,
//! `ssl:read`, `ssl:edit`.

use clap::Parser;
use cloudflare_standin::{CloudflareStandIn, Permission, Tokens, Zone};

/// The Cloudflare v4 API stand-in (DNS records, ssl setting, late-transform rules, per-hostname
/// Authenticated Origin Pulls).
#[derive(Parser)]
struct Args {
    /// The zone id served (32 lowercase hex characters).
    #[arg(long)]
    zone_id: String,
    /// The zone's name.
    #[arg(long, default_value = "example.com")]
    zone_name: String,
    /// `TOKEN=PERMS`, repeatable.
    #[arg(long = "token", required = true)]
    tokens: Vec<String>,
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

fn tokens(specs: &[String]) -> Result<Tokens, String> {
    let mut tokens = Tokens::default();
    for spec in specs {
        let (token, perms) = spec.split_once('=').ok_or("--token TOKEN=PERMS")?;
        let granted: Vec<Permission> = match perms {
            "all" => Permission::ALL.to_vec(),
            list => list
                .split(',')
                .map(|p| Permission::parse(p).ok_or(format!("unknown permission {p:?}")))
                .collect::<Result<_, _>>()?,
        };
        tokens.grant(token, &granted);
    }
    Ok(tokens)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let tokens = tokens(&args.tokens)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let standin =
        CloudflareStandIn::serve(listener, Zone::new(&args.zone_id, &args.zone_name), tokens)?;
    println!("BASE {}", standin.base_url());
    std::future::pending::<()>().await;
    Ok(())
}
