//! Cloudflare's v4 envelope for answers, and the errors the stand-in gives (Cloudflare's codes
//! where they are published or widely observed; the others are marked).

use serde_json::{Value, json};

/// An answer: status and envelope.
pub type Reply = (u16, Value);

/// `{success: true, errors: [], messages: [], result}` with status 200.
pub fn ok(result: Value) -> Reply {
    (
        200,
        json!({"success": true, "errors": [], "messages": [], "result": result}),
    )
}

/// A list page with `result_info`.
pub fn page(result: Vec<Value>, page: u64, per_page: u64, total_count: u64) -> Reply {
    let total_pages = total_count.div_ceil(per_page.max(1));
    let count = result.len();
    let info = json!({"page": page, "per_page": per_page, "count": count, "total_count": total_count, "total_pages": total_pages});
    (
        200,
        json!({"success": true, "errors": [], "messages": [], "result": result, "result_info": info}),
    )
}

/// `{success: false, errors: [{code, message}], messages: [], result: null}`.
pub fn error(status: u16, code: u32, message: &str) -> Reply {
    (
        status,
        json!({"success": false, "errors": [{"code": code, "message": message}], "messages": [], "result": null}),
    )
}

/// 403 for a token without the permission, or no valid token (Cloudflare: 10000).
pub fn authentication_error() -> Reply {
    error(403, 10000, "Authentication error")
}

/// 400 for a body that does not match the operation's derived shape. Cloudflare's code for
/// this varies by service; 1004 is the DNS one, used for every operation here.
pub fn invalid_body(detail: &str) -> Reply {
    error(400, 1004, &format!("Invalid request body: {detail}"))
}

/// An unknown route or object id (Cloudflare: 7003).
pub fn no_route(path: &str) -> Reply {
    error(
        404,
        7003,
        &format!("Could not route to {path}, perhaps your object identifier is invalid?"),
    )
}

/// A missing record (Cloudflare: 81044).
pub fn record_not_found() -> Reply {
    error(404, 81044, "Record does not exist.")
}

/// The phase has no entry point ruleset yet.
pub fn no_entrypoint(phase: &str) -> Reply {
    error(
        404,
        10003,
        &format!("could not find entrypoint ruleset in the {phase} phase"),
    )
}

/// An injected 429 (Cloudflare's rate-limit answer: 971).
pub fn rate_limited() -> Reply {
    error(
        429,
        971,
        "Please wait and consider throttling your request speed",
    )
}

/// An injected 5xx (the stand-in's own message).
pub fn server_error(status: u16) -> Reply {
    error(
        status,
        10001,
        "An internal error occurred (injected by cloudflare-standin)",
    )
}
