//! A real DynamoDB-compatible server for the tests: moto's server (`dev/py/moto_server.py`, PyPI
//! `moto[server]`, pinned in `tests/requirements.txt`) on 127.0.0.1 with a free port, stopped when
//! dropped. A missing interpreter or moto FAILS the test, never skips.

use std::process::Child;

use crate::python_script::read_port_line;

/// A running moto server.
pub struct Moto {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
}

impl Moto {
    /// Starts the server; returns once it listens.
    pub fn start() -> Self {
        Self::start_with_env(&[])
    }

    /// [`Moto::start`] with extra environment for moto (e.g. `MOTO_ACM_VALIDATION_WAIT`, read
    /// when moto starts).
    pub fn start_with_env(env: &[(&str, &str)]) -> Self {
        let py = crate::python();
        let mut command = crate::python_script::command(&py, "moto_server.py", &[]);
        command.envs(env.iter().copied());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run the Python interpreter {py:?} ({e})"));
        let port = read_port_line(&mut child, "starting moto's DynamoDB server");
        Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The fixed fake credentials moto accepts (any SDK client of these tests signs with them).
    pub fn credentials() -> aws_credential_types::Credentials {
        aws_credential_types::Credentials::new("AKIDMOTOTEST", "moto-secret", None, None, "test")
    }

    /// A DynamoDB client for this server (fixed fake credentials, us-east-1).
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Self::credentials())
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
