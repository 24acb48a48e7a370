//! The CloudFormation custom resource Lambda of the Cloudflare half, behind CDK's provider
//! framework (`aws-cdk-lib/custom-resources` `Provider`): one binary, its phase from `CR_PHASE`
//! (`on-event` answers `{PhysicalResourceId, Data}`, `is-complete` answers `{IsComplete, Data}`;
//! an error becomes the stack event's reason; `renew` is Kind OriginPullCertificate's schedule).
//! Three kinds (`ResourceProperties.Kind`):
//!
//! - **Certificate** ([`certificate`]): the ACM certificate in us-east-1 (whatever the stack's
//!   region), DNS validation, the validation CNAMEs written DNS-only into the Cloudflare zone;
//!   complete once ISSUED, a failure once FAILED (or timed out, revoked, ...).
//! - **Zone** ([`zone`]): the zone's SSL mode Full (strict) (checked, or set when asked), oac-kit's
//!   origin-secret Transform Rule scoped to the hostnames, a proxied CNAME per hostname to the
//!   distribution.
//! - **OriginPullCertificate** ([`origin_pull`]): the CA of viewer mTLS in its Secrets Manager
//!   secret, the client certificate Cloudflare presents to CloudFront (per-hostname
//!   Authenticated Origin Pulls), its serial in the Connection Function's KeyValueStore, and
//!   its renewal (`CR_PHASE=renew`, one step per run).
//!
//! What to change is decided by pure code ([`props`], [`records`], [`acm_state`],
//! [`secret_value`], [`origin_pull_plan`], `origin_pull_ca::renewal`) from the event and what was read; the I/O modules only read and apply.
//! Every event is idempotent: a repeat changes nothing, a retry after a partial failure finishes
//! the job. Ownership: a record is oac-kit's when its comment says so for this resource
//! ([`records::comment`]); nothing else is ever changed or deleted. The token and the origin
//! secret, and a certificate's private key, never reach a log line, an error or Data.

pub mod acm;
pub mod acm_state;
pub mod certificate;
pub mod clock;
pub mod event;
pub mod handler;
pub mod origin_pull;
pub mod origin_pull_io;
pub mod origin_pull_plan;
pub mod origin_pull_props;
pub mod origin_pull_renew;
pub mod origin_pull_state;
pub mod props;
pub mod records;
pub mod secret_value;
pub mod secrets;
pub mod zone;
pub mod zone_io;
