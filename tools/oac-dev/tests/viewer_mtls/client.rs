//! A viewer over TLS: trusts oac-dev's generated server certificate, presents a client
//! certificate (or none), speaks HTTP/1.1 on a raw stream (so a refusal's alert is seen as it
//! comes) or HTTP/2 through hyper.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{AlertDescription, ClientConfig, RootCertStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::pki::Client;

/// How a request over TLS ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP status, and the protocol ALPN chose.
    Status(u16, String),
    /// The server refused with this TLS alert.
    Alert(AlertDescription),
    /// Something else went wrong.
    Failed(String),
}

fn config(server_cert: &Path, client: Option<&Client>, alpn: &[u8]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(server_cert).unwrap())
        .unwrap();
    let builder = ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots);
    let mut config = match client {
        None => builder.with_no_client_auth(),
        Some(client) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_file(&client.cert).unwrap()],
                PrivateKeyDer::from_pem_file(&client.key).unwrap(),
            )
            .unwrap(),
    };
    config.alpn_protocols = vec![alpn.to_vec()];
    Arc::new(config)
}

fn alert_of(error: &std::io::Error) -> Answer {
    match error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::AlertReceived(alert)) => Answer::Alert(*alert),
        _ => Answer::Failed(error.to_string()),
    }
}

/// `GET /health` over HTTP/1.1 on a new TLS connection to `address`.
pub async fn get_http1(address: SocketAddr, server_cert: &Path, client: Option<&Client>) -> Answer {
    let connector = tokio_rustls::TlsConnector::from(config(server_cert, client, b"http/1.1"));
    let tcp = TcpStream::connect(address).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    // With TLS 1.3 the server checks the client's certificate after the client has finished
    // its side of the handshake: the refusal's alert arrives at the first read.
    let mut tls = match connector.connect(name, tcp).await {
        Ok(tls) => tls,
        Err(e) => return alert_of(&e),
    };
    let request = b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    if let Err(e) = tls.write_all(request).await {
        return alert_of(&e);
    }
    let mut answer = Vec::new();
    // An error after an answer (a close without close_notify) is not a refusal.
    match tls.read_to_end(&mut answer).await {
        Err(e) if answer.is_empty() => return alert_of(&e),
        _ => {}
    }
    let text = String::from_utf8_lossy(&answer);
    match text.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
        Some(status) => Answer::Status(status, "http/1.1".into()),
        None => Answer::Failed(format!("not an HTTP answer: {text:?}")),
    }
}

/// `GET /health` over HTTP/2 (ALPN `h2` only) on a new TLS connection.
pub async fn get_http2(address: SocketAddr, server_cert: &Path, client: &Client) -> Answer {
    let connector = tokio_rustls::TlsConnector::from(config(server_cert, Some(client), b"h2"));
    let tcp = TcpStream::connect(address).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = match connector.connect(name, tcp).await {
        Ok(tls) => tls,
        Err(e) => return alert_of(&e),
    };
    let alpn =
        String::from_utf8_lossy(tls.get_ref().1.alpn_protocol().unwrap_or(b"none")).into_owned();
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = hyper::Request::get("https://localhost/health")
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.version(), hyper::Version::HTTP_2);
    let status = response.status().as_u16();
    response.into_body().collect().await.unwrap();
    Answer::Status(status, alpn)
}
