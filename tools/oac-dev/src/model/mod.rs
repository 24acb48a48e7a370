//! The model the chain's components share: what two of them must agree on, so that each imports
//! this module and never another component (`cargo xtask crate-graph` checks it). CloudFront's
//! OAC identity is the one the Function URL trusts ([`identity`]); the resource policy's grants
//! are set up by the configuration and enforced by the Function URL ([`grants`]); the
//! KeyValueStore's source is chosen by the configuration and read by the CloudFront side
//! ([`kvs_source`]).

pub mod grants;
pub mod identity;
pub mod kvs_source;

pub use grants::Grants;
pub use identity::{SigningIdentity, cloudfront_identity};
pub use kvs_source::{Items, KvsSource};
