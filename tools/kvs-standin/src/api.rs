//! The KVS data-plane API subset the AWS SDK calls, REST-JSON as in the service model
//! (`cloudfront-keyvaluestore` 2022-07-26):
//!
//! | operation | request | answer |
//! | --- | --- | --- |
//! | DescribeKeyValueStore | `GET /key-value-stores/{KvsARN}` | `ETag` header; `ItemCount`, `TotalSizeInBytes`, `KvsARN`, `Created`, `LastModified`, `Status` |
//! | ListKeys | `GET /key-value-stores/{KvsARN}/keys?NextToken&MaxResults` | `Items: [{Key, Value}]`, `NextToken` |
//! | UpdateKeys | `POST /key-value-stores/{KvsARN}/keys`, `If-Match`, `{Puts: [{Key, Value}], Deletes: [{Key}]}` | `ETag` header; `ItemCount`, `TotalSizeInBytes` |
//! | GetKey | `GET /key-value-stores/{KvsARN}/keys/{Key}` | `Key`, `Value`, `ItemCount`, `TotalSizeInBytes` |
//! | PutKey | `PUT …/keys/{Key}`, `If-Match`, `{Value}` | as UpdateKeys |
//! | DeleteKey | `DELETE …/keys/{Key}`, `If-Match` | as UpdateKeys |
//!
//! Errors carry `x-amzn-ErrorType` and `{"Message": …}` with the model's status (409
//! `ConflictException`, 400 `ValidationException`, 402 `ServiceQuotaExceededException`, 404
//! `ResourceNotFoundException`, 403 `InvalidSignatureException` for a request not signed with
//! SigV4a as [`crate::signature`] checks).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use percent_encoding::percent_decode_str;

use crate::operations::{PutBody, UpdateBody, change, describe, error, get_key, list};
use crate::persist;
use crate::signature::check_sigv4a;
use crate::sigv4a_verify;
use crate::store::Store;

/// The operations served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `GET /key-value-stores/{arn}`.
    DescribeKeyValueStore,
    /// `GET …/keys`.
    ListKeys,
    /// `POST …/keys`.
    UpdateKeys,
    /// `GET …/keys/{key}`.
    GetKey,
    /// `PUT …/keys/{key}`.
    PutKey,
    /// `DELETE …/keys/{key}`.
    DeleteKey,
}

/// One request as received (for tests: which operations ran, how they were signed).
#[derive(Debug, Clone)]
pub struct Received {
    /// The operation, `None` for a path or method the API does not have.
    pub operation: Option<Operation>,
    /// Every header, names lowercase.
    pub headers: Vec<(String, String)>,
}

impl Received {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type UpdateHook = Box<dyn FnOnce(&mut Store) + Send>;

pub(crate) struct Shared {
    pub(crate) kvs_arn: String,
    state_file: Option<PathBuf>,
    pub(crate) store: Mutex<Store>,
    received: Mutex<Vec<Received>>,
    pub(crate) before_next_update: Mutex<Option<UpdateHook>>,
    signer: Mutex<Option<(String, p256::ecdsa::VerifyingKey)>>,
    unavailable: AtomicBool,
}

/// A running KVS stand-in.
pub struct KvsStandIn {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl KvsStandIn {
    /// Serves the store of `kvs_arn` on `listener`, starting from `state_file` (if given and
    /// present) and saving to it after every successful change.
    pub fn serve(
        listener: tokio::net::TcpListener,
        kvs_arn: &str,
        state_file: Option<PathBuf>,
    ) -> std::io::Result<Self> {
        let store = match &state_file {
            Some(path) => persist::load(path)?,
            None => Store::default(),
        };
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            kvs_arn: kvs_arn.to_owned(),
            state_file,
            store: Mutex::new(store),
            received: Mutex::new(Vec::new()),
            before_next_update: Mutex::new(None),
            signer: Mutex::new(None),
            unavailable: AtomicBool::new(false),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            address,
            shared,
            server,
        })
    }

    /// Binds a free port on 127.0.0.1 and serves.
    pub async fn start(kvs_arn: &str, state_file: Option<PathBuf>) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        Self::serve(listener, kvs_arn, state_file)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// A copy of the store as it is now.
    pub fn store(&self) -> Store {
        lock(&self.shared.store).clone()
    }

    /// Changes the store directly (a test's setup), saving the state file.
    pub fn with_store<T>(&self, change: impl FnOnce(&mut Store) -> T) -> T {
        let mut store = lock(&self.shared.store);
        let result = change(&mut store);
        self.shared.save(&store);
        result
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.shared.received).clone()
    }

    /// How many requests of `operation` were received.
    pub fn count(&self, operation: Operation) -> usize {
        lock(&self.shared.received)
            .iter()
            .filter(|r| r.operation == Some(operation))
            .count()
    }

    /// From now on, accepts only requests whose SigV4a signature verifies for `access_key` and
    /// the key derived from `secret_access_key` (otherwise only the signature's shape is checked).
    pub fn require_signature_by(&self, access_key: &str, secret_access_key: &str) {
        let key = sigv4a_verify::verifying_key(access_key, secret_access_key);
        *lock(&self.shared.signer) = Some((access_key.to_owned(), key));
    }

    /// While `unavailable`, answers every request 500 `InternalServerException` (a store that
    /// cannot be read: oac-dev's `--kvs-file` missing or not a state file).
    pub fn set_unavailable(&self, unavailable: bool) {
        self.shared.unavailable.store(unavailable, Ordering::SeqCst);
    }

    /// Runs `write` on the store when the next UpdateKeys arrives, before it is applied: another
    /// writer that committed between the caller's read and its update.
    pub fn before_next_update(&self, write: impl FnOnce(&mut Store) + Send + 'static) {
        *lock(&self.shared.before_next_update) = Some(Box::new(write));
    }
}

impl Drop for KvsStandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Shared {
    /// Rewrites the state file (if any) with `store`.
    pub(crate) fn save(&self, store: &Store) {
        if let Some(path) = &self.state_file {
            persist::save(path, store).expect("the stand-in saves its state file");
        }
    }
}

/// The guard of `mutex`, poisoned or not (a panicking test must not wedge the stand-in).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where a path points: the store's ARN and, for the key operations, the key.
enum Target {
    Store(String),
    Keys(String),
    Key(String, String),
}

fn route(path: &str) -> Option<Target> {
    let rest = path.strip_prefix("/key-value-stores/")?;
    let decode = |s: &str| {
        percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    let mut parts = rest.splitn(3, '/');
    let arn = decode(parts.next()?)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(Target::Store(arn)),
        (Some("keys"), None) => Some(Target::Keys(arn)),
        (Some("keys"), Some(key)) if !key.is_empty() => Some(Target::Key(arn, decode(key)?)),
        _ => None,
    }
}

fn operation_of(method: &Method, target: &Target) -> Option<Operation> {
    Some(match (method.as_str(), target) {
        ("GET", Target::Store(_)) => Operation::DescribeKeyValueStore,
        ("GET", Target::Keys(_)) => Operation::ListKeys,
        ("POST", Target::Keys(_)) => Operation::UpdateKeys,
        ("GET", Target::Key(..)) => Operation::GetKey,
        ("PUT", Target::Key(..)) => Operation::PutKey,
        ("DELETE", Target::Key(..)) => Operation::DeleteKey,
        _ => return None,
    })
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let target = route(uri.path());
    let operation = target.as_ref().and_then(|t| operation_of(&method, t));
    lock(&shared.received).push(Received {
        operation,
        headers: headers.clone(),
    });
    let (Some(target), Some(operation)) = (target, operation) else {
        return error(404, "UnknownOperationException", "no such operation");
    };
    if shared.unavailable.load(Ordering::SeqCst) {
        return error(500, "InternalServerException", "the store is unavailable");
    }
    let signed = match check_sigv4a(&headers, &body) {
        Ok(signed) => signed,
        Err(reason) => return error(403, "InvalidSignatureException", &reason),
    };
    if let Some((access_key, key)) = lock(&shared.signer).clone() {
        let arrived = sigv4_canonical::Request {
            method: method.as_str(),
            raw_path: uri.path(),
            raw_query: uri.query().unwrap_or_default(),
            headers: &headers,
            body: &body,
        };
        if signed.access_key != access_key {
            return error(403, "InvalidSignatureException", "unknown access key");
        }
        if let Err(reason) = sigv4a_verify::verify(&signed, &arrived, &key) {
            return error(403, "InvalidSignatureException", &reason);
        }
    }
    let arn = match &target {
        Target::Store(a) | Target::Keys(a) | Target::Key(a, _) => a,
    };
    if *arn != shared.kvs_arn {
        return error(
            404,
            "ResourceNotFoundException",
            &format!("no key value store {arn}"),
        );
    }
    let if_match = headers
        .iter()
        .find(|(n, _)| n == "if-match")
        .map(|(_, v)| v.clone());
    let query = uri.query().unwrap_or_default();
    match (operation, target) {
        (Operation::DescribeKeyValueStore, _) => describe(&shared),
        (Operation::ListKeys, _) => list(&shared, query),
        (Operation::GetKey, Target::Key(_, key)) => get_key(&shared, &key),
        (Operation::UpdateKeys, _) => match serde_json::from_slice::<UpdateBody>(&body) {
            Ok(batch) => {
                let puts = batch.puts.into_iter().map(|p| (p.key, p.value)).collect();
                let deletes = batch.deletes.into_iter().map(|d| d.key).collect();
                change(&shared, if_match, puts, deletes, true)
            }
            Err(e) => error(400, "ValidationException", &e.to_string()),
        },
        (Operation::PutKey, Target::Key(_, key)) => {
            match serde_json::from_slice::<PutBody>(&body) {
                Ok(put) => change(&shared, if_match, vec![(key, put.value)], vec![], false),
                Err(e) => error(400, "ValidationException", &e.to_string()),
            }
        }
        (Operation::DeleteKey, Target::Key(_, key)) => {
            change(&shared, if_match, vec![], vec![key], false)
        }
        _ => error(404, "UnknownOperationException", "no such operation"),
    }
}
