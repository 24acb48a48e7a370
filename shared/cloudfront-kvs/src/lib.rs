//! A CloudFront KeyValueStore through the AWS SDK (`aws-sdk-cloudfrontkeyvaluestore`, SigV4a: the
//! SDK's endpoint rules name `sigv4a` with region set `*` for every KVS ARN, and the `sigv4a`
//! feature of `aws-runtime` makes the signer). Shared by every Lambda that writes a store
//! (range-sync, cloudflare-setup): read every key with the ETag it was read at, write a batch
//! with `If-Match`.
//!
//! Tests point a client at a loopback stand-in ([`checked_test_endpoint`]); the requests are
//! signed exactly as for the real endpoint.

use std::collections::BTreeMap;

use aws_sdk_cloudfrontkeyvaluestore as sdk;
use aws_sdk_cloudfrontkeyvaluestore::config::endpoint::{
    DefaultResolver, Endpoint, EndpointFuture, Params, ResolveEndpoint,
};
use aws_sdk_cloudfrontkeyvaluestore::error::DisplayErrorContext;
use aws_sdk_cloudfrontkeyvaluestore::types::{DeleteKeyRequestListItem, PutKeyRequestListItem};

/// The largest ListKeys page.
const PAGE: i32 = 50;

/// The keys read (those `keep` accepted) and the store's ETag before they were listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// DescribeKeyValueStore's ETag, read before the keys.
    pub etag: String,
    /// The kept keys and their values.
    pub items: BTreeMap<String, String>,
}

/// Why an UpdateKeys failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    /// The ETag moved (another writer): read again and re-plan.
    Conflict,
    /// Anything else.
    Other(String),
}

/// One store, by ARN.
#[derive(Debug, Clone)]
pub struct KvsClient {
    client: sdk::Client,
    arn: String,
}

impl KvsClient {
    /// A client for `arn`; with `endpoint` (tests: a loopback stand-in, see
    /// [`checked_test_endpoint`]) the requests go there, signed exactly as the SDK's endpoint
    /// rules say for the real one.
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

    /// The store's ARN.
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// The ETag (DescribeKeyValueStore), then every key `keep` accepts (ListKeys, every page).
    pub async fn read(&self, keep: impl Fn(&str) -> bool) -> Result<Snapshot, String> {
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
                if keep(item.key()) {
                    items.insert(item.key().to_owned(), item.value().to_owned());
                }
            }
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        Ok(Snapshot { etag, items })
    }

    /// One UpdateKeys with `If-Match: if_match`; the new ETag.
    pub async fn update(
        &self,
        if_match: &str,
        puts: &[(String, String)],
        deletes: &[String],
    ) -> Result<String, UpdateError> {
        let built = |e: sdk::error::BuildError| UpdateError::Other(e.to_string());
        let puts = puts
            .iter()
            .map(|(k, v)| PutKeyRequestListItem::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(built)?;
        let deletes = deletes
            .iter()
            .map(|k| DeleteKeyRequestListItem::builder().key(k).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(built)?;
        let mut request = self
            .client
            .update_keys()
            .kvs_arn(&self.arn)
            .if_match(if_match);
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
                Err(UpdateError::Conflict)
            }
            Err(e) => Err(UpdateError::Other(format!(
                "UpdateKeys: {}",
                DisplayErrorContext(&e)
            ))),
        }
    }
}

/// A tests' endpoint: `http://` to a loopback address only (a real store is reached through
/// the endpoint the SDK derives from its ARN).
///
/// ```
/// use cloudfront_kvs::checked_test_endpoint;
/// assert!(checked_test_endpoint("http://127.0.0.1:9000").is_ok());
/// assert!(checked_test_endpoint("https://kvs.example.com").is_err());
/// ```
pub fn checked_test_endpoint(text: &str) -> Result<String, String> {
    let refused = || format!("{text:?} is not http:// to a loopback address (it exists for tests)");
    let url = url::Url::parse(text).map_err(|_| refused())?;
    let loopback = url
        .host()
        .is_some_and(|h| oac_client::is_loopback(&h.to_owned()));
    if url.scheme() == "http" && loopback {
        Ok(text.to_owned())
    } else {
        Err(refused())
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
