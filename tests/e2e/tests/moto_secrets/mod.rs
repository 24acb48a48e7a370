//! A Secrets Manager client of a moto server (the tests that keep a secret there share it).

use test_support::moto::Moto;

/// A client for moto at `endpoint` (its fixed fake credentials, us-east-1).
pub fn client(endpoint: &str) -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
        .region(aws_sdk_secretsmanager::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Moto::credentials())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}
