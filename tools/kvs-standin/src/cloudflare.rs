//! Cloudflare's `GET /client/v4/ips`, answered with the content of a file read at each request
//! (a missing file is a 500), so a test changes the list between two runs by rewriting it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// A running Cloudflare API stand-in on 127.0.0.1.
pub struct CloudflareStandIn {
    address: SocketAddr,
    served: Arc<AtomicUsize>,
    server: tokio::task::JoinHandle<()>,
}

impl CloudflareStandIn {
    /// Serves `answer_file` at `/client/v4/ips` on `listener`.
    pub fn serve(listener: tokio::net::TcpListener, answer_file: PathBuf) -> Self {
        let address = listener.local_addr().expect("a bound listener");
        let served = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route("/client/v4/ips", get(answer))
            .with_state((Arc::new(answer_file), served.clone()));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            address,
            served,
            server,
        }
    }

    /// Binds a free port on 127.0.0.1 and serves `answer_file`.
    pub async fn start(answer_file: PathBuf) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        Ok(Self::serve(listener, answer_file))
    }

    /// `http://127.0.0.1:<port>`: the API base (`CLOUDFLARE_API_BASE`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many answers were served.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

impl Drop for CloudflareStandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn answer(State((file, served)): State<(Arc<PathBuf>, Arc<AtomicUsize>)>) -> Response {
    served.fetch_add(1, Ordering::SeqCst);
    match tokio::fs::read(file.as_path()).await {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the stand-in cannot read {}: {e}", file.display()),
        )
            .into_response(),
    }
}
