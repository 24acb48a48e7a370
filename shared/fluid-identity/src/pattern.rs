//! Allowlist patterns: parsing, the rules a pattern must follow, and matching.
//!
//! A pattern is parsed once, at configuration time, into its ARN fields, and every rule is
//! checked then: a pattern that would admit more than it appears to (any role in the account
//! behind an SSO path, every AWS account, caller-chosen federated-user names) is refused with
//! the rule it breaks, so a service with such a list never starts. Matching compares field by
//! field, so a `*` never runs from one ARN field into another.

use crate::hosts::Partition;
use crate::pattern_error::{PatternError, PatternRule};
use crate::principal::{Principal, PrincipalKind};

/// The operator's explicit opt-ins for patterns that are refused by default.
///
/// ```
/// use fluid_identity::{Allowlist, AllowlistPolicy};
/// let policy = AllowlistPolicy { allow_any_account: true, ..AllowlistPolicy::default() };
/// let mut allow = Allowlist::with_policy(policy);
/// allow.add("readers", "arn:aws:iam::*:role/auditor").unwrap();
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllowlistPolicy {
    /// Accept `arn:P:sts::A:federated-user/…` patterns. Federated-user names are chosen by
    /// whoever calls `sts:GetFederationToken`, so a name proves nothing about who that was.
    pub allow_federated_users: bool,
    /// Accept a wildcard account (`arn:P:iam::*:…`) and the bare `*`, which admit every AWS
    /// account, an attacker's included.
    pub allow_any_account: bool,
}

/// A parsed, validated pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// The bare `*`: every principal of every account.
    Everyone,
    /// One principal kind in one partition.
    Arn {
        partition: Partition,
        service: &'static str,
        /// `None`: any account.
        account: Option<String>,
        resource: Resource,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resource {
    /// Lowercased `root`, `user/…`, `role/NAME` or `federated-user/…` with `*` wildcards.
    Glob(String),
    /// An IAM Identity Center permission-set role `AWSReservedSSO_<set>_<16 hex>`.
    SsoRole {
        /// Lowercased permission-set name.
        set: String,
        /// Lowercased 16 hex digits; `None`: any.
        suffix: Option<String>,
    },
}

const SSO_PATH: &str = "aws-reserved/sso.amazonaws.com";
const SSO_PREFIX: &str = "AWSReservedSSO_";
const SSO_SUFFIX_LEN: usize = 16;

impl Pattern {
    /// Parses `pattern` and checks every rule under `policy`.
    pub(crate) fn parse(pattern: &str, policy: AllowlistPolicy) -> Result<Self, PatternError> {
        parse(pattern, policy).map_err(|rule| PatternError {
            pattern: pattern.to_owned(),
            rule,
        })
    }

    /// Whether the principal matches.
    pub(crate) fn matches(&self, principal: &Principal) -> bool {
        let Pattern::Arn {
            partition,
            service,
            account,
            resource,
        } = self
        else {
            return true;
        };
        let Some((p_service, p_resource)) = service_and_resource(&principal.arn) else {
            return false;
        };
        if *partition != principal.partition
            || *service != p_service
            || account.as_ref().is_some_and(|a| *a != principal.account)
        {
            return false;
        }
        match resource {
            Resource::Glob(glob) => {
                glob_match(glob.as_bytes(), p_resource.to_ascii_lowercase().as_bytes())
            }
            Resource::SsoRole { set, suffix } => match &principal.kind {
                PrincipalKind::Role { name, .. } => sso_role_parts(name).is_some_and(|(s, h)| {
                    s.eq_ignore_ascii_case(set)
                        && suffix.as_ref().is_none_or(|x| h.eq_ignore_ascii_case(x))
                }),
                _ => false,
            },
        }
    }
}

fn parse(pattern: &str, policy: AllowlistPolicy) -> Result<Pattern, PatternRule> {
    if pattern == "*" {
        // Every principal of every account, federated users included: both opt-ins.
        if !policy.allow_any_account {
            return Err(PatternRule::AnyAccountNotAllowed);
        }
        if !policy.allow_federated_users {
            return Err(PatternRule::FederatedUserNotAllowed);
        }
        return Ok(Pattern::Everyone);
    }
    let fields: Vec<&str> = pattern.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = fields[..] else {
        return Err(PatternRule::NotAnArn);
    };
    if !prefix.eq_ignore_ascii_case("arn") || !region.is_empty() {
        return Err(PatternRule::NotAnArn);
    }
    let partition =
        Partition::parse(&partition.to_ascii_lowercase()).ok_or(PatternRule::UnknownPartition)?;
    let service = match service.to_ascii_lowercase().as_str() {
        "iam" => "iam",
        "sts" => "sts",
        _ => return Err(PatternRule::UnsupportedPrincipal),
    };
    let account = match account {
        "*" if policy.allow_any_account => None,
        "*" => return Err(PatternRule::AnyAccountNotAllowed),
        a if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => Some(a.to_owned()),
        _ => return Err(PatternRule::InvalidAccount),
    };
    let (kind, rest) = resource.split_once('/').unwrap_or((resource, ""));
    let kind = kind.to_ascii_lowercase();
    if service == "sts" && kind == "assumed-role" {
        return Err(PatternRule::AssumedRole);
    }
    let resource = match (service, kind.as_str()) {
        ("iam", "root") if rest.is_empty() && !resource.contains('/') => {
            Resource::Glob("root".to_owned())
        }
        ("iam", "user") => Resource::Glob(format!("user/{}", names(rest)?)),
        ("iam", "role") => role(rest)?,
        ("sts", "federated-user") if policy.allow_federated_users => {
            Resource::Glob(format!("federated-user/{}", names(rest)?))
        }
        ("sts", "federated-user") => return Err(PatternRule::FederatedUserNotAllowed),
        _ => return Err(PatternRule::UnsupportedPrincipal),
    };
    Ok(Pattern::Arn {
        partition,
        service,
        account,
        resource,
    })
}

/// `/`-separated IAM names with `*` wildcards, lowercased.
fn names(rest: &str) -> Result<String, PatternRule> {
    let valid = rest.split('/').all(|seg| {
        !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-*".contains(&b))
    });
    if valid {
        Ok(rest.to_ascii_lowercase())
    } else {
        Err(PatternRule::InvalidName)
    }
}

/// A role pattern: matched by name, since assumed-role ARNs carry no path.
fn role(rest: &str) -> Result<Resource, PatternRule> {
    names(rest)?;
    let (path, name) = rest.rsplit_once('/').unwrap_or(("", rest));
    if path.contains('*') {
        return Err(PatternRule::RolePathWildcard);
    }
    let lower_path = path.to_ascii_lowercase();
    let under_sso_path = lower_path == SSO_PATH || lower_path.starts_with(&format!("{SSO_PATH}/"));
    if under_sso_path {
        let region = &lower_path[SSO_PATH.len()..];
        if !region.is_empty() && !is_region(&region[1..]) {
            return Err(PatternRule::SsoPath);
        }
        return sso_role(name);
    }
    // Spelled without its path, an SSO role name gets the same rules.
    if name.len() >= SSO_PREFIX.len()
        && name.as_bytes()[..SSO_PREFIX.len()].eq_ignore_ascii_case(SSO_PREFIX.as_bytes())
    {
        return sso_role(name);
    }
    if !path.is_empty() && name.contains('*') {
        return Err(PatternRule::RolePathWildcard);
    }
    Ok(Resource::Glob(format!(
        "role/{}",
        name.to_ascii_lowercase()
    )))
}

/// `AWSReservedSSO_<set>_<suffix>`: literal prefix, pinned set name, `*` or 16 hex digits.
fn sso_role(name: &str) -> Result<Resource, PatternRule> {
    let rest = name
        .strip_prefix(SSO_PREFIX)
        .ok_or(PatternRule::SsoRolePrefix)?;
    let Some((set, suffix)) = rest.rsplit_once('_') else {
        return Err(if rest.contains('*') {
            PatternRule::SsoPermissionSetNotPinned
        } else {
            PatternRule::SsoRoleSuffix
        });
    };
    if set.is_empty() || set.contains('*') {
        return Err(PatternRule::SsoPermissionSetNotPinned);
    }
    let suffix = match suffix {
        "*" => None,
        s if is_sso_suffix(s) => Some(s.to_ascii_lowercase()),
        _ => return Err(PatternRule::SsoRoleSuffix),
    };
    Ok(Resource::SsoRole {
        set: set.to_ascii_lowercase(),
        suffix,
    })
}

/// A principal's role name as `(set, suffix)`, when it is exactly `AWSReservedSSO_<set>_<16 hex>`.
fn sso_role_parts(name: &str) -> Option<(&str, &str)> {
    let (set, suffix) = name.strip_prefix(SSO_PREFIX)?.rsplit_once('_')?;
    (!set.is_empty() && is_sso_suffix(suffix)).then_some((set, suffix))
}

fn is_sso_suffix(s: &str) -> bool {
    s.len() == SSO_SUFFIX_LEN && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A region name's shape: lowercase letters and digits in dash-separated labels (`eu-west-1`).
fn is_region(s: &str) -> bool {
    s.split('-').count() >= 3
        && s.split('-').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The service and resource fields of a canonical principal ARN.
fn service_and_resource(arn: &str) -> Option<(&str, &str)> {
    let mut fields = arn.splitn(6, ':');
    let service = fields.nth(2)?;
    Some((service, fields.nth(2)?))
}

/// `*` matches any run (including empty) of bytes; everything else literally.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && pattern[p] != b'*' && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some(p);
            p += 1;
            mark = t;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_any_run_of_characters() {
        assert!(glob_match(b"a*b*c", b"aXXbYc"));
        assert!(!glob_match(b"a*b*c", b"aXXbY"));
    }

    #[test]
    fn principal_arns_split_into_service_and_resource() {
        assert_eq!(
            service_and_resource("arn:aws:iam::111122223333:user/eng/alice"),
            Some(("iam", "user/eng/alice"))
        );
    }

    #[test]
    fn region_segments_have_the_shape_of_a_region() {
        assert!(is_region("eu-west-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("*"));
        assert!(!is_region("eu-west-1/extra"));
        assert!(!is_region("EU-WEST-1"));
    }
}
