//! `ip-filter` as a Lambda binary, for `cargo lambda invoke` and the local chain: the
//! `ip-filter-core` policy served by the shared `edge-lambda` adapter.

use cloudfront_event::EdgeFunction;
use ip_filter_core::IpFilter;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    // A bad configuration stops the function at init: nothing is let through unchecked.
    let (filter, log_level) =
        edge_lambda::config_or_exit("ip-filter", "IP_FILTER_CONFIG", IpFilter::from_config_json);
    edge_lambda::serve(EdgeFunction::IpFilter, log_level, move |request| {
        filter.decision_for_request(request)
    })
    .await
}
