//! The local Cloudflare side of Authenticated Origin Pulls: a plain-HTTP listener that forwards
//! every request to the viewer mTLS listener over a new TLS connection presenting the zone's
//! client certificate, trusting exactly oac-dev's own server certificate (pinned: Cloudflare's
//! "Full (strict)" would check a public CA instead). So `curl http://<cloudflare-listen>/health`
//! goes through the whole chain.
//!
//! A refused handshake is answered 525 ("SSL handshake failed", Cloudflare's status for it;
//! **assumed** for a refused client certificate), an unreachable listener 502.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::body::Body;
use http_body_util::BodyExt as _;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, Error, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::{TcpListener, TcpStream};

use super::pem::Identity;

/// Trusts one server certificate, byte for byte (and checks the handshake's signatures).
#[derive(Debug)]
struct Pinned {
    certificate: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if end_entity.as_ref() == self.certificate.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The local Cloudflare side.
#[derive(Debug, Clone)]
pub struct CloudflareSide {
    target: SocketAddr,
    tls: Arc<ClientConfig>,
}

impl CloudflareSide {
    /// Forwards to the mTLS listener at `target`, whose certificate is `server`, presenting
    /// `client` (the zone's Authenticated Origin Pulls certificate).
    pub fn new(
        target: SocketAddr,
        server: CertificateDer<'static>,
        client: Identity,
    ) -> Result<Self> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let pinned = Pinned {
            certificate: server,
            provider: provider.clone(),
        };
        let mut tls = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(pinned))
            .with_client_auth_cert(client.chain, client.key)
            .context("the Cloudflare side's client certificate and key")?;
        // Cloudflare pulls from an origin over HTTP/1.1 unless told otherwise.
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            target,
            tls: Arc::new(tls),
        })
    }

    /// Serves on `listener` until the task is dropped.
    pub async fn serve(self, listener: TcpListener) -> Result<()> {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let _ = tcp.set_nodelay(true);
            let this = self.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let this = this.clone();
                    async move { Ok::<_, std::convert::Infallible>(this.forward(request).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
        }
    }

    async fn forward(&self, request: Request<Incoming>) -> Response<Body> {
        match self.pull(request).await {
            Ok(response) => response.map(Body::new),
            Err((status, why)) => {
                eprintln!("oac-dev: Cloudflare side: {status}: {why}");
                Response::builder()
                    .status(status)
                    .body(Body::from(format!("local Cloudflare side: {why}\n")))
                    .expect("a static response")
            }
        }
    }

    /// One request over a new mTLS connection to the listener.
    async fn pull(
        &self,
        request: Request<Incoming>,
    ) -> Result<Response<Incoming>, (StatusCode, String)> {
        let bad_gateway = |e: &dyn std::fmt::Display| (StatusCode::BAD_GATEWAY, e.to_string());
        let tcp = TcpStream::connect(self.target)
            .await
            .map_err(|e| bad_gateway(&e))?;
        let _ = tcp.set_nodelay(true);
        let name = ServerName::from(self.target.ip());
        let tls = tokio_rustls::TlsConnector::from(self.tls.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| handshake_failed(&e))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| bad_gateway(&e))?;
        tokio::spawn(connection);
        let (parts, body) = request.into_parts();
        let body = body.boxed();
        sender
            .send_request(Request::from_parts(parts, body))
            .await
            .map_err(|e| handshake_failed(&e))
    }
}

/// 525 when the mTLS listener refused the handshake (its alert, often only seen on the first
/// read with TLS 1.3), else 502.
fn handshake_failed(error: &(dyn std::error::Error + 'static)) -> (StatusCode, String) {
    let mut chain = Vec::new();
    let mut alert = false;
    let mut next = Some(error);
    while let Some(e) = next {
        chain.push(e.to_string());
        alert |= e.downcast_ref::<Error>().is_some()
            || e.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .is_some_and(|inner| inner.is::<Error>());
        next = e.source();
    }
    let status = if alert {
        StatusCode::from_u16(525).expect("525 is a status code")
    } else {
        StatusCode::BAD_GATEWAY
    };
    (status, chain.join(": "))
}
