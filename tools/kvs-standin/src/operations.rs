//! The operations' answers over the shared store: bodies in, REST-JSON answers out.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Shared, lock};
use crate::store::{Store, StoreError};

/// An answer of the API: status, optional ETag, JSON body.
struct Answer {
    status: StatusCode,
    etag: Option<String>,
    body: Value,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if let Some(etag) = self.etag {
            response
                .headers_mut()
                .insert("etag", etag.parse().expect("an ETag is a header value"));
        }
        response
    }
}

pub(crate) fn error(status: u16, error_type: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).expect("a valid status");
    (
        status,
        [("x-amzn-errortype", error_type)],
        axum::Json(json!({ "Message": message })),
    )
        .into_response()
}

fn store_error(e: &StoreError) -> Response {
    error(e.status(), e.error_type(), &e.to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PutItem {
    #[serde(rename = "Key")]
    pub(crate) key: String,
    #[serde(rename = "Value")]
    pub(crate) value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeleteItem {
    #[serde(rename = "Key")]
    pub(crate) key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UpdateBody {
    #[serde(rename = "Puts", default)]
    pub(crate) puts: Vec<PutItem>,
    #[serde(rename = "Deletes", default)]
    pub(crate) deletes: Vec<DeleteItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PutBody {
    #[serde(rename = "Value")]
    pub(crate) value: String,
}

fn sizes(store: &Store) -> Value {
    json!({ "ItemCount": store.item_count(), "TotalSizeInBytes": store.total_size() })
}

pub(crate) fn describe(shared: &Shared) -> Response {
    let store = lock(&shared.store);
    let mut body = sizes(&store);
    body["KvsARN"] = json!(shared.kvs_arn);
    body["Created"] = json!(0);
    body["Status"] = json!("READY");
    Answer {
        status: StatusCode::OK,
        etag: Some(store.etag().to_owned()),
        body,
    }
    .into_response()
}

/// The page size when `MaxResults` is not given, and the largest allowed (the model's).
const DEFAULT_PAGE: usize = 10;
const MAX_PAGE: usize = 50;

pub(crate) fn list(shared: &Shared, query: &str) -> Response {
    let mut start = 0;
    let mut page = DEFAULT_PAGE;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let number = value.parse::<usize>();
        match (name.as_ref(), number) {
            ("NextToken", Ok(n)) => start = n,
            ("MaxResults", Ok(n)) if (1..=MAX_PAGE).contains(&n) => page = n,
            _ => return error(400, "ValidationException", &format!("bad {name}")),
        }
    }
    let store = lock(&shared.store);
    let items: Vec<Value> = store
        .items()
        .skip(start)
        .take(page)
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    let mut body = json!({ "Items": items });
    if start + page < store.item_count() {
        body["NextToken"] = json!((start + page).to_string());
    }
    Answer {
        status: StatusCode::OK,
        etag: None,
        body,
    }
    .into_response()
}

pub(crate) fn get_key(shared: &Shared, key: &str) -> Response {
    let store = lock(&shared.store);
    match store.get(key) {
        Ok(value) => {
            let mut body = sizes(&store);
            body["Key"] = json!(key);
            body["Value"] = json!(value);
            Answer {
                status: StatusCode::OK,
                etag: None,
                body,
            }
            .into_response()
        }
        Err(e) => store_error(&e),
    }
}

pub(crate) fn change(
    shared: &Shared,
    if_match: Option<String>,
    puts: Vec<(String, String)>,
    deletes: Vec<String>,
    is_batch: bool,
) -> Response {
    let Some(if_match) = if_match else {
        return error(400, "ValidationException", "If-Match is required");
    };
    let mut store = lock(&shared.store);
    let interleaved = if is_batch {
        lock(&shared.before_next_update).take()
    } else {
        None
    };
    if let Some(write) = interleaved {
        write(&mut store);
        shared.save(&store);
    }
    match store.update(&if_match, &puts, &deletes) {
        Ok(etag) => {
            let etag = etag.to_owned();
            shared.save(&store);
            Answer {
                status: StatusCode::OK,
                etag: Some(etag),
                body: sizes(&store),
            }
            .into_response()
        }
        Err(e) => store_error(&e),
    }
}
