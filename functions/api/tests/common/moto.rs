//! A real DynamoDB-compatible server for the tests: moto's server (PyPI `moto[server]`, pinned in
//! `tests/requirements.txt`) on 127.0.0.1 with a free port, stopped when dropped. The interpreter
//! is `OAC_KIT_PYTHON`, else `python3`; a missing interpreter or moto FAILS the test, never skips.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

/// The interpreter: `OAC_KIT_PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var("OAC_KIT_PYTHON")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "python3".to_owned())
}

// Binds port 0 (the OS picks a free port), prints it, serves until stdin closes (the test ended).
// One request at a time: moto's TransactWriteItems is not atomic across server threads (two
// concurrent transactions with the same condition can both commit), while DynamoDB's is. Served
// serially, moto keeps the guarantee the store relies on, so the concurrency tests judge our code,
// not a race inside the stand-in.
const SCRIPT: &str = r#"
import sys, threading
try:
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server
except ImportError as e:
    sys.stderr.write(f"moto[server] is not importable by {sys.executable}: {e}\n")
    sys.exit(3)
server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=False)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("PORT", server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
"#;

/// A running moto server.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
}

impl Moto {
    pub fn start() -> Self {
        let py = python();
        let mut child = Command::new(&py)
            .args(["-c", SCRIPT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run the Python interpreter {py:?} ({e}). Set OAC_KIT_PYTHON to a Python 3 \
                     with the packages of tests/requirements.txt (moto[server]) installed."
                )
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read moto's port line");
        let Some(port) = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse::<u16>().ok())
        else {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!(
                "starting moto's DynamoDB server with {py:?} failed: {err}\nInstall the test \
                 prerequisites: {py} -m pip install -r tests/requirements.txt (or set OAC_KIT_PYTHON)."
            );
        };
        Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A DynamoDB client for this server (fixed fake credentials, us-east-1).
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_credential_types::Credentials::new(
                "AKIDMOTOTEST",
                "moto-secret",
                None,
                None,
                "test",
            ))
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    /// Creates the table exactly as the CDK app does: `pk`/`sk` strings, on-demand.
    pub async fn create_table(&self, name: &str) {
        use aws_sdk_dynamodb::types::{
            AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
        };
        let key = |name: &str, kind| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .unwrap()
        };
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap()
        };
        self.client()
            .create_table()
            .table_name(name)
            .key_schema(key("pk", KeyType::Hash))
            .key_schema(key("sk", KeyType::Range))
            .attribute_definitions(attr("pk"))
            .attribute_definitions(attr("sk"))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .expect("create table on moto");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Closing stdin stops the server; kill in case it does not.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
