//! Principal normalization and the allowlist.
//!
//! STS reports an assumed role as `arn:P:sts::A:assumed-role/ROLE/SESSION`. The session name is
//! chosen by the caller, so it is never authorized on: the principal is the role,
//! `arn:P:iam::A:role/ROLE`. Assumed-role ARNs carry no role path, so role patterns with a path
//! are matched by role name (see [`Allowlist`]).

use std::collections::BTreeMap;

use crate::hosts::Partition;
use crate::pattern::{AllowlistPolicy, Pattern};
use crate::pattern_error::PatternError;

/// What kind of IAM identity signed the request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum PrincipalKind {
    /// An IAM role (from an assumed-role session); `sso` when it is an IAM Identity Center
    /// permission-set role (`AWSReservedSSO_*`).
    Role {
        /// The role name (no path).
        name: String,
        /// Whether this is an `AWSReservedSSO_<set>_<hash>` role.
        sso: bool,
    },
    /// An IAM user.
    User {
        /// The user's path (`/` when none).
        path: String,
        /// The user name.
        name: String,
    },
    /// A federated user (`GetFederationToken`).
    FederatedUser {
        /// The federated user name.
        name: String,
    },
    /// The account root user.
    Root,
}

/// A normalized principal: what allowlists match against.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Principal {
    /// The canonical ARN: `arn:P:iam::A:role/R`, `arn:P:iam::A:user/path/N`,
    /// `arn:P:sts::A:federated-user/N` or `arn:P:iam::A:root`.
    pub arn: String,
    /// The partition.
    pub partition: Partition,
    /// The 12-digit account ID.
    pub account: String,
    /// The identity kind.
    #[serde(flatten)]
    pub kind: PrincipalKind,
}

impl Principal {
    /// Normalizes an ARN returned by GetCallerIdentity. Unknown shapes and partitions are `None`
    /// (fail closed).
    ///
    /// ```
    /// use fluid_identity::Principal;
    /// let p = Principal::from_caller_arn("arn:aws:sts::111122223333:assumed-role/deployer/ci-run").unwrap();
    /// assert_eq!(p.arn, "arn:aws:iam::111122223333:role/deployer");
    /// ```
    pub fn from_caller_arn(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (prefix, partition, service, region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        let partition = Partition::parse(partition)?;
        let p = partition.as_str();
        if prefix != "arn" || !region.is_empty() || !is_account(account) {
            return None;
        }
        let (arn, kind) = match (service, resource.split_once('/')) {
            ("sts", Some(("assumed-role", rest))) => {
                let (role, session) = rest.split_once('/')?;
                if !is_name(role) || !is_name(session) {
                    return None;
                }
                (
                    format!("arn:{p}:iam::{account}:role/{role}"),
                    PrincipalKind::Role {
                        name: role.to_owned(),
                        sso: role.starts_with("AWSReservedSSO_"),
                    },
                )
            }
            ("sts", Some(("federated-user", name))) if is_name(name) => (
                arn.to_owned(),
                PrincipalKind::FederatedUser {
                    name: name.to_owned(),
                },
            ),
            ("iam", Some(("user", path_and_name))) => {
                let (path, name) = match path_and_name.rsplit_once('/') {
                    Some((path, name)) => (format!("/{path}/"), name),
                    None => ("/".to_owned(), path_and_name),
                };
                if !is_name(name)
                    || path.split('/').any(|seg| !seg.is_empty() && !is_name(seg))
                    || path.contains("//")
                {
                    return None;
                }
                (
                    arn.to_owned(),
                    PrincipalKind::User {
                        path,
                        name: name.to_owned(),
                    },
                )
            }
            ("iam", None) if resource == "root" => (arn.to_owned(), PrincipalKind::Root),
            _ => return None,
        };
        Some(Principal {
            arn,
            partition,
            account: account.to_owned(),
            kind,
        })
    }
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// IAM name characters (`[\w+=,.@-]`), 1..=128.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// Allowlist entries grouped into named roles (`readers`, `writers`, …).
///
/// Patterns are canonical ARNs with `*` wildcards matching any run of characters within the
/// resource (Vault's `bound_iam_principal_arn` semantics), compared ASCII-case-insensitively
/// (IAM names are unique case-insensitively). Every pattern is checked when it is added, against
/// the rules in `docs/identity.md` ("Allowlist rules"); a refused pattern is a [`PatternError`]
/// naming the entry and the rule. In short: role paths are matched by name (assumed-role ARNs
/// carry no path) so a wildcard under a path is refused; under the SSO path
/// `aws-reserved/sso.amazonaws.com/` a pattern must be `AWSReservedSSO_<set>_*` (or the full
/// 16-hex suffix) and matches only that permission set's roles; federated users and any-account
/// patterns need the opt-ins of [`AllowlistPolicy`]. Assumed-role patterns are refused: a pattern
/// never sees a session name.
///
/// ```
/// use fluid_identity::{Allowlist, Principal};
/// let mut allow = Allowlist::new();
/// allow.add("readers", "arn:aws:iam::111122223333:role/*").unwrap();
/// allow.add("writers", "arn:aws:iam::111122223333:role/team/deployer").unwrap();
/// assert!(allow.add("readers", "arn:aws:iam::*:role/deployer").is_err());
/// let p = Principal::from_caller_arn("arn:aws:sts::111122223333:assumed-role/deployer/s").unwrap();
/// assert_eq!(allow.roles_of(&p), vec!["readers", "writers"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    policy: AllowlistPolicy,
    roles: BTreeMap<String, Vec<Pattern>>,
}

impl Allowlist {
    /// An empty allowlist with no opt-ins: admits nobody.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty allowlist whose patterns are checked under `policy`'s opt-ins.
    pub fn with_policy(policy: AllowlistPolicy) -> Self {
        Self {
            policy,
            roles: BTreeMap::new(),
        }
    }

    /// Adds `pattern` to the named role, or says which rule it breaks.
    pub fn add(&mut self, role: &str, pattern: &str) -> Result<(), PatternError> {
        let parsed = Pattern::parse(pattern, self.policy)?;
        self.roles.entry(role.to_owned()).or_default().push(parsed);
        Ok(())
    }

    /// The roles whose patterns match the principal, sorted; empty when not allowed.
    pub fn roles_of(&self, principal: &Principal) -> Vec<&str> {
        self.roles
            .iter()
            .filter(|(_, patterns)| patterns.iter().any(|p| p.matches(principal)))
            .map(|(role, _)| role.as_str())
            .collect()
    }

    /// Whether any role admits the principal.
    pub fn allows(&self, principal: &Principal) -> bool {
        !self.roles_of(principal).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(arn: &str) -> Principal {
        Principal::from_caller_arn(arn).unwrap()
    }

    #[test]
    fn assumed_role_becomes_its_role_and_drops_the_session() {
        let pr = p("arn:aws:sts::111122223333:assumed-role/deployer/ci-run");
        assert_eq!(pr.arn, "arn:aws:iam::111122223333:role/deployer");
        assert_eq!(
            pr.kind,
            PrincipalKind::Role {
                name: "deployer".into(),
                sso: false
            }
        );
    }

    #[test]
    fn sso_roles_are_flagged() {
        let pr = p(
            "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@example.com",
        );
        assert_eq!(
            pr.arn,
            "arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123abcd"
        );
        assert!(matches!(pr.kind, PrincipalKind::Role { sso: true, .. }));
    }

    #[test]
    fn users_keep_their_path_federated_and_root_are_kept() {
        let u = p("arn:aws:iam::111122223333:user/eng/alice");
        assert_eq!(u.arn, "arn:aws:iam::111122223333:user/eng/alice");
        assert_eq!(
            u.kind,
            PrincipalKind::User {
                path: "/eng/".into(),
                name: "alice".into()
            }
        );
        assert_eq!(
            p("arn:aws:iam::111122223333:user/bob").kind,
            PrincipalKind::User {
                path: "/".into(),
                name: "bob".into()
            }
        );
        assert!(matches!(
            p("arn:aws:sts::111122223333:federated-user/bob").kind,
            PrincipalKind::FederatedUser { .. }
        ));
        assert_eq!(
            p("arn:aws:iam::111122223333:root").kind,
            PrincipalKind::Root
        );
    }

    #[test]
    fn partitions_aws_cn_and_gov_are_kept() {
        let cn = p("arn:aws-cn:sts::111122223333:assumed-role/r/s");
        assert_eq!(cn.arn, "arn:aws-cn:iam::111122223333:role/r");
        assert_eq!(cn.partition, Partition::AwsCn);
        assert_eq!(
            p("arn:aws-us-gov:iam::111122223333:root").partition,
            Partition::AwsUsGov
        );
    }

    #[test]
    fn unknown_shapes_and_partitions_are_refused() {
        for arn in [
            "arn:aws-iso:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/deployer",
            "arn:aws:sts::111122223333:assumed-role/deployer",
            "arn:aws:sts:us-east-1:111122223333:assumed-role/r/s",
            "arn:aws:iam::1111:root",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::111122223333:user/a//b",
            "arn:aws:iam::111122223333:group/g",
            "xarn:aws:iam::111122223333:root",
        ] {
            assert_eq!(Principal::from_caller_arn(arn), None, "{arn}");
        }
    }
}
