//! The KeyValueStore through the AWS SDK (`aws-sdk-cloudfrontkeyvaluestore`, SigV4a: the SDK's
//! endpoint rules name `sigv4a` with region set `*` for every KVS ARN, and the `sigv4a` feature
//! of `aws-runtime` makes the signer).

use std::collections::BTreeMap;

use aws_sdk_cloudfrontkeyvaluestore as sdk;
use aws_sdk_cloudfrontkeyvaluestore::config::endpoint::{
    DefaultResolver, Endpoint, EndpointFuture, Params, ResolveEndpoint,
};
use aws_sdk_cloudfrontkeyvaluestore::error::DisplayErrorContext;
use aws_sdk_cloudfrontkeyvaluestore::types::{DeleteKeyRequestListItem, PutKeyRequestListItem};

use crate::plan::{Batch, StoreState, is_layout_key};
use crate::sync::{ApplyError, KeyValueStore};

/// The largest ListKeys page.
const PAGE: i32 = 50;

/// One store, by ARN.
#[derive(Debug, Clone)]
pub struct SdkStore {
    client: sdk::Client,
    arn: String,
}

impl SdkStore {
    /// A client for `arn`; with `endpoint` (tests: a loopback stand-in) the requests go there,
    /// signed exactly as the SDK's endpoint rules say for the real one.
    pub fn new(sdk_config: &aws_config::SdkConfig, arn: &str, endpoint: Option<&str>) -> Self {
        let mut config = sdk::config::Builder::from(sdk_config);
        if let Some(url) = endpoint {
            config = config.endpoint_resolver(LoopbackEndpoint {
                url: url.to_owned(),
            });
        }
        Self {
            client: sdk::Client::from_conf(config.build()),
            arn: arn.to_owned(),
        }
    }
}

impl KeyValueStore for SdkStore {
    async fn read(&self) -> Result<StoreState, String> {
        let described = self
            .client
            .describe_key_value_store()
            .kvs_arn(&self.arn)
            .send()
            .await
            .map_err(|e| format!("DescribeKeyValueStore: {}", DisplayErrorContext(&e)))?;
        let etag = described.e_tag().to_owned();
        let mut items = BTreeMap::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_keys()
                .kvs_arn(&self.arn)
                .max_results(PAGE)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| format!("ListKeys: {}", DisplayErrorContext(&e)))?;
            for item in page.items() {
                if is_layout_key(item.key()) {
                    items.insert(item.key().to_owned(), item.value().to_owned());
                }
            }
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        Ok(StoreState { etag, items })
    }

    async fn apply(&self, batch: &Batch) -> Result<String, ApplyError> {
        let built = |e: sdk::error::BuildError| ApplyError::Other(e.to_string());
        let puts = batch
            .puts
            .iter()
            .map(|(k, v)| PutKeyRequestListItem::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(built)?;
        let deletes = batch
            .deletes
            .iter()
            .map(|k| DeleteKeyRequestListItem::builder().key(k).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(built)?;
        let mut request = self
            .client
            .update_keys()
            .kvs_arn(&self.arn)
            .if_match(&batch.if_match);
        if !puts.is_empty() {
            request = request.set_puts(Some(puts));
        }
        if !deletes.is_empty() {
            request = request.set_deletes(Some(deletes));
        }
        match request.send().await {
            Ok(out) => Ok(out.e_tag().to_owned()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conflict_exception()) =>
            {
                Err(ApplyError::Conflict)
            }
            Err(e) => Err(ApplyError::Other(format!(
                "UpdateKeys: {}",
                DisplayErrorContext(&e)
            ))),
        }
    }
}

/// The SDK's own endpoint (and so its signing scheme: SigV4a, region set `*`) with only the URL
/// replaced. The SDK's rules would put the account ID in front of an overriding endpoint's host
/// (`http://<account>.127.0.0.1:…`), which a loopback stand-in cannot answer to.
#[derive(Debug)]
struct LoopbackEndpoint {
    url: String,
}

impl ResolveEndpoint for LoopbackEndpoint {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::new(async move {
            let real = DefaultResolver::new().resolve_endpoint(params).await?;
            let mut endpoint = Endpoint::builder().url(self.url.clone());
            for scheme in real.auth_schemes() {
                endpoint = endpoint.auth_scheme(scheme.clone());
            }
            for (name, value) in real.properties() {
                endpoint = endpoint.property(name.clone(), value.clone());
            }
            Ok(endpoint.build())
        })
    }
}
