//! The KeyValueStore through the shared SDK client ([`cloudfront_kvs::KvsClient`]), as the
//! sync's [`KeyValueStore`]: only the layout's keys are read.

use cloudfront_kvs::{KvsClient, UpdateError};

use crate::plan::{Batch, StoreState, is_layout_key};
use crate::sync::{ApplyError, KeyValueStore};

/// One store, by ARN.
#[derive(Debug, Clone)]
pub struct SdkStore {
    client: KvsClient,
}

impl SdkStore {
    /// A client for `arn`; with `endpoint` (tests: a loopback stand-in) the requests go there,
    /// signed exactly as the SDK's endpoint rules say for the real one.
    pub fn new(sdk_config: &aws_config::SdkConfig, arn: &str, endpoint: Option<&str>) -> Self {
        Self {
            client: KvsClient::new(sdk_config, arn, endpoint),
        }
    }
}

impl KeyValueStore for SdkStore {
    async fn read(&self) -> Result<StoreState, String> {
        let snapshot = self.client.read(is_layout_key).await?;
        Ok(StoreState {
            etag: snapshot.etag,
            items: snapshot.items,
        })
    }

    async fn apply(&self, batch: &Batch) -> Result<String, ApplyError> {
        self.client
            .update(&batch.if_match, &batch.puts, &batch.deletes)
            .await
            .map_err(|e| match e {
                UpdateError::Conflict => ApplyError::Conflict,
                UpdateError::Other(message) => ApplyError::Other(message),
            })
    }
}
