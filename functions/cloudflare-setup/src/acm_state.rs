//! The certificate's decisions (pure): the idempotency token, the validation records ACM asks
//! for, whether it is done, and which records are this certificate's.

use sha2::{Digest, Sha256};

use crate::records::{Wanted, comment};

/// What DescribeCertificate said, reduced to what is decided on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertView {
    /// `PENDING_VALIDATION`, `ISSUED`, `FAILED`, `VALIDATION_TIMED_OUT`, ...
    pub status: String,
    /// ACM's `FailureReason`, if any.
    pub failure_reason: Option<String>,
    /// Per domain: its validation CNAME (name, value), once ACM has made it.
    pub validation: Vec<Option<(String, String)>>,
}

/// Where the certificate is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Not yet issued: ask again.
    Waiting,
    /// Issued.
    Issued,
    /// Will never be issued: the reason.
    Failed(String),
}

/// The comment prefix every oac-kit validation record carries.
pub const VALIDATION_PURPOSE: &str = "acm-validation";

/// The comment of certificate `arn`'s validation records (its id, the ARN's last segment).
pub fn validation_comment(arn: &str) -> String {
    let id = arn.rsplit('/').next().unwrap_or(arn);
    comment(&format!("{VALIDATION_PURPOSE} {id}"))
}

/// `oac-kit: acm-validation ` (any certificate's).
pub fn validation_prefix() -> String {
    comment(VALIDATION_PURPOSE)
        .split_once(VALIDATION_PURPOSE)
        .map(|(head, _)| format!("{head}{VALIDATION_PURPOSE} "))
        .unwrap_or_default()
}

/// Whether `id` is an ACM certificate ARN in us-east-1 (what Create answers as the physical id).
pub fn is_certificate_arn(id: &str) -> bool {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "acm"
        && parts[3] == "us-east-1"
        && parts[5].starts_with("certificate/")
}

/// ACM's `IdempotencyToken` (`\w{1,32}`): the stack, the logical id and the hostnames, so a
/// repeated Create gets the same certificate and changed hostnames a new one.
pub fn idempotency_token(stack_id: &str, logical_id: &str, hostnames: &[String]) -> String {
    let mut hash = Sha256::new();
    for part in [stack_id, logical_id]
        .into_iter()
        .chain(hostnames.iter().map(String::as_str))
    {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(hash.finalize())[..32].to_owned()
}

/// The validation CNAMEs to write (DNS-only, deduplicated: ACM gives a name and its wildcard
/// the same record), names and values without the trailing dot, lowercase.
pub fn validation_wanted(view: &CertView) -> Vec<Wanted> {
    let mut wanted: Vec<Wanted> = Vec::new();
    for (name, value) in view.validation.iter().flatten() {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let content = value.trim_end_matches('.').to_ascii_lowercase();
        if !wanted.iter().any(|w| w.name == name) {
            wanted.push(Wanted {
                name,
                content,
                proxied: false,
            });
        }
    }
    wanted
}

/// Done, waiting or failed. Waiting also while ACM has not yet made every validation record.
pub fn progress(view: &CertView) -> Progress {
    match view.status.as_str() {
        "ISSUED" => Progress::Issued,
        "PENDING_VALIDATION" => Progress::Waiting,
        status => {
            let why = view
                .failure_reason
                .as_deref()
                .unwrap_or("no FailureReason given");
            Progress::Failed(format!(
                "the ACM certificate is {status} ({why}): it will not be issued; check that the \
                 validation CNAMEs in the Cloudflare zone are DNS-only and resolvable, then retry the deployment"
            ))
        }
    }
}

#[cfg(test)]
#[path = "acm_state_tests.rs"]
mod tests;
