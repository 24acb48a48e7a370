//! CloudFront's viewer mTLS (`ViewerMtlsConfig`, mode `required`): the viewer listener serves
//! HTTPS (rustls on aws-lc-rs; ALPN `h2` and `http/1.1`, no HTTP/3, as CloudFront with mTLS) and
//! requires a client certificate that chains to the trust store's CA bundle; then the Connection
//! Function runs with the certificate's serial ([`verifier`]). A refusal fails the handshake with
//! a TLS alert and is named in the log ([`refusal`]). Every connection is a full handshake (no
//! session resumption), so every connection meets the Connection Function.
//!
//! [`cloudflare_side`] is the other end: Cloudflare's Authenticated Origin Pulls, a plain-HTTP
//! listener that forwards each request over mTLS presenting the zone's certificate.

pub mod cloudflare_side;
pub mod pem;
pub mod refusal;
pub mod serial;
pub mod verifier;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::ServerConfig;
use rustls::server::{ClientHello, NoServerSessionStorage, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt as _;

use pem::Identity;
use refusal::Refusal;
use verifier::{Outcome, VerifierParts};

/// ALPN, as CloudFront offers it with viewer mTLS (HTTP/3 is not offered there).
const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];
/// A bound on one handshake (a stalled viewer never holds a task for long).
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// The server certificate, for every connection.
#[derive(Debug)]
struct FixedCertificate(Arc<CertifiedKey>);

impl ResolvesServerCert for FixedCertificate {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// The viewer mTLS listener's settings.
#[derive(Debug)]
pub struct ViewerTls {
    provider: Arc<rustls::crypto::CryptoProvider>,
    certificate: Arc<FixedCertificate>,
    parts: VerifierParts,
    log_connections: bool,
}

impl ViewerTls {
    /// The listener's TLS: `server` is its certificate, `parts` the client certificate check.
    pub fn new(server: Identity, parts: VerifierParts, log_connections: bool) -> Result<Self> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let key = provider
            .key_provider
            .load_private_key(server.key)
            .context("the server key")?;
        let certified = CertifiedKey::new(server.chain, key);
        certified
            .keys_match()
            .context("the server key does not match its certificate")?;
        Ok(Self {
            provider,
            certificate: Arc::new(FixedCertificate(Arc::new(certified))),
            parts,
            log_connections,
        })
    }

    /// One connection's TLS configuration (its own verifier, which records its outcome).
    fn config(&self, verifier: Arc<verifier::ConnectionVerifier>) -> Result<Arc<ServerConfig>> {
        let mut config = ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(self.certificate.clone());
        config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
        config.session_storage = Arc::new(NoServerSessionStorage {});
        config.send_tls13_tickets = 0;
        Ok(Arc::new(config))
    }

    /// Serves `app` on `listener` over mTLS until the task is dropped.
    pub async fn serve(self: Arc<Self>, listener: TcpListener, app: axum::Router) -> Result<()> {
        loop {
            let (tcp, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    eprintln!("oac-dev: viewer mTLS: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            // Small TLS records (the handshake, HTTP/2 frames) must not wait for delayed ACKs.
            let _ = tcp.set_nodelay(true);
            let this = self.clone();
            let app = app.clone();
            tokio::spawn(async move { this.connection(tcp, peer, app).await });
        }
    }

    async fn connection(&self, tcp: TcpStream, peer: SocketAddr, app: axum::Router) {
        let (verifier, outcome) = self.parts.for_connection();
        let config = match self.config(verifier) {
            Ok(config) => config,
            Err(e) => return eprintln!("oac-dev: viewer mTLS {peer}: {e:#}"),
        };
        let accepted = tokio::time::timeout(
            HANDSHAKE_LIMIT,
            tokio_rustls::TlsAcceptor::from(config).accept(tcp),
        )
        .await;
        let recorded = outcome.lock().expect("outcome lock").take();
        let tls = match (accepted, recorded) {
            (Ok(Ok(tls)), Some(Outcome::Allowed { serial, expired })) => {
                if self.log_connections {
                    let alpn = tls.get_ref().1.alpn_protocol().unwrap_or(b"http/1.1");
                    let expired = if expired {
                        ", expired: IgnoreCertificateExpiry"
                    } else {
                        ""
                    };
                    eprintln!(
                        "oac-dev: viewer mTLS {peer}: serial {serial} allowed by the Connection Function{expired} ({})",
                        String::from_utf8_lossy(alpn)
                    );
                }
                tls
            }
            (_, Some(Outcome::Refused(refusal))) => return refused(peer, &refusal),
            (Ok(Err(e)), _) => return refused(peer, &handshake_refusal(&e)),
            (Err(_), _) => return refused(peer, &Refusal::Handshake("timed out".into())),
            // Fail closed: a handshake that completed without the verifier's verdict.
            (Ok(Ok(_)), None) => {
                return refused(peer, &Refusal::Handshake("no certificate check".into()));
            }
        };
        let service = hyper::service::service_fn(move |mut request| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let served = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(tls), service)
            .await;
        match served {
            Err(e) if self.log_connections => {
                eprintln!("oac-dev: viewer mTLS {peer}: connection ended: {e}");
            }
            _ => {}
        }
    }
}

fn refused(peer: SocketAddr, refusal: &Refusal) {
    eprintln!("oac-dev: viewer mTLS {peer}: handshake refused: {refusal}");
}

/// The refusal of a handshake that failed outside the verifier (no certificate, not TLS, …).
fn handshake_refusal(error: &std::io::Error) -> Refusal {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(e @ rustls::Error::NoCertificatesPresented) => Refusal::of_certificate_error(e),
        Some(e) => Refusal::Handshake(e.to_string()),
        None => Refusal::Handshake(error.to_string()),
    }
}
