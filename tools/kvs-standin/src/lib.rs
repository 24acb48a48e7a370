//! Local stand-ins for the range-sync Lambda's two remote services, for tests and the local
//! chain:
//!
//! - [`KvsStandIn`]: the CloudFront KeyValueStore data-plane API subset the AWS SDK calls
//!   (DescribeKeyValueStore, GetKey, ListKeys, PutKey, DeleteKey, UpdateKeys; REST-JSON as in the
//!   service model) over the [`store`] model (limits, ETag, `If-Match` conflicts, all-or-nothing
//!   updates), persisting to a state file ([`persist`]) that `oac-dev --kvs-file` reads. Every
//!   request's SigV4a shape is checked ([`signature`]); what it received is kept for tests.
//! - [`CloudflareStandIn`]: `GET /client/v4/ips` answered from a file read at each request, so a
//!   test changes Cloudflare's list by rewriting the file.

pub mod api;
pub mod cloudflare;
mod operations;
pub mod persist;
pub mod signature;
pub mod sigv4a_verify;
pub mod store;

pub use api::{KvsStandIn, Operation, Received};
pub use cloudflare::CloudflareStandIn;
