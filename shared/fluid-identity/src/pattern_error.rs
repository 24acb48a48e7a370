//! Why an allowlist pattern is refused: one named rule per way a pattern could admit more than
//! it appears to.

use crate::error::ConfigError;

/// The rule an allowlist pattern breaks; each has a stable name (see `docs/identity.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternRule {
    /// Not `arn:PARTITION:SERVICE::ACCOUNT:RESOURCE` (or the bare `*`).
    NotAnArn,
    /// The partition is not exactly `aws`, `aws-cn` or `aws-us-gov`.
    UnknownPartition,
    /// The account is neither 12 digits nor exactly `*`.
    InvalidAccount,
    /// A wildcard account or the bare `*` without [`AllowlistPolicy::allow_any_account`](crate::AllowlistPolicy::allow_any_account).
    AnyAccountNotAllowed,
    /// A federated-user pattern without [`AllowlistPolicy::allow_federated_users`](crate::AllowlistPolicy::allow_federated_users).
    FederatedUserNotAllowed,
    /// An assumed-role ARN: its session name is the caller's choice.
    AssumedRole,
    /// Not a principal kind STS reports: `iam` `root`, `user/…`, `role/…` or `sts` `federated-user/…`.
    UnsupportedPrincipal,
    /// A character outside IAM names (`A-Z a-z 0-9 _ + = , . @ -`), `/` and `*`, or an empty
    /// path segment.
    InvalidName,
    /// A wildcard in a role path, or in a role name under a path other than the SSO path.
    RolePathWildcard,
    /// Under `aws-reserved/sso.amazonaws.com/`, something other than an optional region segment.
    SsoPath,
    /// An SSO role name that does not begin with the literal `AWSReservedSSO_`.
    SsoRolePrefix,
    /// An SSO role name whose permission-set name is missing or has a wildcard.
    SsoPermissionSetNotPinned,
    /// An SSO role name whose suffix is neither `*` nor 16 hex digits.
    SsoRoleSuffix,
}

impl PatternRule {
    /// The rule's stable name.
    pub fn name(self) -> &'static str {
        match self {
            PatternRule::NotAnArn => "not-an-arn",
            PatternRule::UnknownPartition => "unknown-partition",
            PatternRule::InvalidAccount => "invalid-account",
            PatternRule::AnyAccountNotAllowed => "any-account-not-allowed",
            PatternRule::FederatedUserNotAllowed => "federated-user-not-allowed",
            PatternRule::AssumedRole => "assumed-role",
            PatternRule::UnsupportedPrincipal => "unsupported-principal",
            PatternRule::InvalidName => "invalid-name",
            PatternRule::RolePathWildcard => "role-path-wildcard",
            PatternRule::SsoPath => "sso-path",
            PatternRule::SsoRolePrefix => "sso-role-prefix",
            PatternRule::SsoPermissionSetNotPinned => "sso-permission-set-not-pinned",
            PatternRule::SsoRoleSuffix => "sso-role-suffix",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            PatternRule::NotAnArn => {
                "must be arn:PARTITION:iam::ACCOUNT:RESOURCE or arn:PARTITION:sts::ACCOUNT:federated-user/NAME (or `*`)"
            }
            PatternRule::UnknownPartition => "the partition must be aws, aws-cn or aws-us-gov",
            PatternRule::InvalidAccount => {
                "the account must be 12 digits (or `*` with the any-account opt-in)"
            }
            PatternRule::AnyAccountNotAllowed => {
                "a wildcard account admits every AWS account, an attacker's included; refused without the explicit any-account opt-in"
            }
            PatternRule::FederatedUserNotAllowed => {
                "federated-user names are chosen by whoever calls sts:GetFederationToken; refused without the explicit federated-users opt-in"
            }
            PatternRule::AssumedRole => {
                "use the role ARN (arn:P:iam::A:role/NAME), not an assumed-role ARN: its session name is the caller's choice"
            }
            PatternRule::UnsupportedPrincipal => {
                "only iam root, user/… and role/… (and sts federated-user/…) principals exist"
            }
            PatternRule::InvalidName => {
                "names are A-Z a-z 0-9 _ + = , . @ - with `/` between path segments and `*` wildcards"
            }
            PatternRule::RolePathWildcard => {
                "role paths are not visible in assumed-role ARNs; a wildcard with a path would widen to every path"
            }
            PatternRule::SsoPath => {
                "the SSO path is aws-reserved/sso.amazonaws.com/ with at most one literal region segment"
            }
            PatternRule::SsoRolePrefix => {
                "under the SSO path the role name must begin with the literal AWSReservedSSO_, or it matches any role in the account"
            }
            PatternRule::SsoPermissionSetNotPinned => {
                "an SSO role pattern must name the permission set: AWSReservedSSO_<set>_*"
            }
            PatternRule::SsoRoleSuffix => {
                "an SSO role name ends in _ and 16 hex digits: write them, or `*` for any"
            }
        }
    }
}

/// An allowlist pattern refused at configuration time: the entry and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("allowlist entry {pattern:?} breaks rule {}: {}", .rule.name(), .rule.explanation())]
pub struct PatternError {
    /// The entry as configured.
    pub pattern: String,
    /// The rule it breaks.
    pub rule: PatternRule,
}

impl From<PatternError> for ConfigError {
    fn from(e: PatternError) -> Self {
        ConfigError(e.to_string())
    }
}
