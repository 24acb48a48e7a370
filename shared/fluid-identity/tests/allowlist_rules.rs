//! The allowlist: which patterns are refused at configuration time (one test per rule) and what
//! an accepted pattern matches. Each scenario is one pattern and one outcome.

use fluid_identity::{Allowlist, AllowlistPolicy, PatternRule, Principal};

const SSO: &str = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com";

fn principal(arn: &str) -> Principal {
    Principal::from_caller_arn(arn).unwrap()
}

/// An assumed-role principal of account 111122223333.
fn role(name: &str) -> Principal {
    principal(&format!(
        "arn:aws:sts::111122223333:assumed-role/{name}/session"
    ))
}

fn refused_under(policy: AllowlistPolicy, pattern: &str) -> PatternRule {
    Allowlist::with_policy(policy)
        .add("readers", pattern)
        .expect_err(pattern)
        .rule
}

fn refused(pattern: &str) -> PatternRule {
    refused_under(AllowlistPolicy::default(), pattern)
}

fn allowlist_under(policy: AllowlistPolicy, pattern: &str) -> Allowlist {
    let mut allow = Allowlist::with_policy(policy);
    allow.add("readers", pattern).unwrap();
    allow
}

fn allowlist(pattern: &str) -> Allowlist {
    allowlist_under(AllowlistPolicy::default(), pattern)
}

const ANY_ACCOUNT: AllowlistPolicy = AllowlistPolicy {
    allow_any_account: true,
    allow_federated_users: false,
};
const FEDERATED: AllowlistPolicy = AllowlistPolicy {
    allow_any_account: false,
    allow_federated_users: true,
};
const BOTH: AllowlistPolicy = AllowlistPolicy {
    allow_any_account: true,
    allow_federated_users: true,
};

// --- Item 1: IAM Identity Center (SSO) patterns ---------------------------------------------

#[test]
fn a_bare_wildcard_under_the_sso_path_is_refused_not_widened_to_every_role() {
    assert_eq!(refused(&format!("{SSO}/*")), PatternRule::SsoRolePrefix);
}

#[test]
fn a_partial_sso_prefix_is_refused() {
    assert_eq!(
        refused(&format!("{SSO}/AWSReserved*")),
        PatternRule::SsoRolePrefix
    );
}

#[test]
fn the_sso_prefix_must_be_spelled_literally_with_its_case() {
    assert_eq!(
        refused(&format!("{SSO}/awsreservedsso_ReadOnly_*")),
        PatternRule::SsoRolePrefix
    );
}

#[test]
fn an_sso_pattern_without_a_permission_set_is_refused() {
    assert_eq!(
        refused(&format!("{SSO}/AWSReservedSSO_*")),
        PatternRule::SsoPermissionSetNotPinned
    );
}

#[test]
fn an_sso_pattern_with_a_wildcard_in_the_permission_set_is_refused() {
    assert_eq!(
        refused(&format!("{SSO}/AWSReservedSSO_Read*_*")),
        PatternRule::SsoPermissionSetNotPinned
    );
}

#[test]
fn an_sso_pattern_without_the_suffix_is_refused() {
    assert_eq!(
        refused(&format!("{SSO}/AWSReservedSSO_ReadOnly")),
        PatternRule::SsoRoleSuffix
    );
}

#[test]
fn an_sso_suffix_is_a_wildcard_or_sixteen_hex_digits() {
    assert_eq!(
        refused(&format!("{SSO}/AWSReservedSSO_ReadOnly_01*")),
        PatternRule::SsoRoleSuffix
    );
}

#[test]
fn an_sso_path_allows_only_one_literal_region_segment() {
    assert_eq!(
        refused(&format!("{SSO}/eu-west-1/extra/AWSReservedSSO_ReadOnly_*")),
        PatternRule::SsoPath
    );
}

#[test]
fn an_sso_role_name_without_its_path_gets_the_same_rules() {
    assert_eq!(
        refused("arn:aws:iam::111122223333:role/AWSReservedSSO_*"),
        PatternRule::SsoPermissionSetNotPinned
    );
}

#[test]
fn a_pinned_permission_set_matches_its_roles_and_no_other_role() {
    let allow = allowlist(&format!("{SSO}/AWSReservedSSO_ReadOnly_*"));
    assert!(allow.allows(&role("AWSReservedSSO_ReadOnly_0123456789abcdef")));
    assert!(!allow.allows(&role("AWSReservedSSO_Admin_0123456789abcdef")));
    assert!(!allow.allows(&role("my-function-role-1A2B3C4D5E6F")));
    assert!(!allow.allows(&role("deployer")));
}

#[test]
fn a_permission_set_name_does_not_prefix_a_longer_one() {
    let allow = allowlist(&format!("{SSO}/AWSReservedSSO_Admin_*"));
    assert!(!allow.allows(&role("AWSReservedSSO_AdminFull_0123456789abcdef")));
    assert!(!allow.allows(&role("AWSReservedSSO_Admin_Extra_0123456789abcdef")));
    assert!(allow.allows(&role("AWSReservedSSO_Admin_0123456789abcdef")));
}

#[test]
fn an_sso_pattern_matches_only_role_names_of_the_permission_set_shape() {
    let allow = allowlist(&format!("{SSO}/AWSReservedSSO_Admin_*"));
    assert!(!allow.allows(&role("AWSReservedSSO_Admin_0123abcd")));
    assert!(!allow.allows(&role("AWSReservedSSO_Admin_0123456789abcdefXX")));
}

#[test]
fn an_sso_pattern_does_not_match_a_lowercase_look_alike_role() {
    let allow = allowlist(&format!("{SSO}/AWSReservedSSO_Admin_*"));
    assert!(!allow.allows(&role("awsreservedsso_Admin_0123456789abcdef")));
}

#[test]
fn a_region_scoped_sso_path_and_a_full_suffix_are_accepted() {
    let allow = allowlist(&format!(
        "{SSO}/eu-west-1/AWSReservedSSO_ReadOnly_0123456789abcdef"
    ));
    assert!(allow.allows(&role("AWSReservedSSO_ReadOnly_0123456789ABCDEF")));
    assert!(!allow.allows(&role("AWSReservedSSO_ReadOnly_fedcba9876543210")));
}

// --- Item 2: federated users ------------------------------------------------------------------

#[test]
fn federated_user_patterns_are_refused_without_the_opt_in() {
    assert_eq!(
        refused("arn:aws:sts::111122223333:federated-user/alice"),
        PatternRule::FederatedUserNotAllowed
    );
}

#[test]
fn federated_user_patterns_are_accepted_with_the_opt_in() {
    let allow = allowlist_under(FEDERATED, "arn:aws:sts::111122223333:federated-user/ci-*");
    assert!(allow.allows(&principal(
        "arn:aws:sts::111122223333:federated-user/ci-build"
    )));
    assert!(!allow.allows(&principal("arn:aws:sts::111122223333:federated-user/alice")));
}

// --- Item 3: any account ----------------------------------------------------------------------

#[test]
fn a_wildcard_account_is_refused_without_the_opt_in() {
    assert_eq!(
        refused("arn:aws:iam::*:role/deployer"),
        PatternRule::AnyAccountNotAllowed
    );
}

#[test]
fn the_bare_star_is_refused_without_the_opt_in() {
    assert_eq!(refused("*"), PatternRule::AnyAccountNotAllowed);
}

#[test]
fn the_bare_star_admits_federated_users_so_it_needs_that_opt_in_too() {
    assert_eq!(
        refused_under(ANY_ACCOUNT, "*"),
        PatternRule::FederatedUserNotAllowed
    );
}

#[test]
fn a_wildcard_account_does_not_smuggle_in_federated_users() {
    assert_eq!(
        refused_under(ANY_ACCOUNT, "arn:aws:sts::*:federated-user/alice"),
        PatternRule::FederatedUserNotAllowed
    );
}

#[test]
fn a_partial_account_wildcard_is_refused_even_with_the_opt_in() {
    assert_eq!(
        refused_under(ANY_ACCOUNT, "arn:aws:iam::1111*:root"),
        PatternRule::InvalidAccount
    );
}

#[test]
fn with_the_opt_in_a_wildcard_account_matches_that_principal_in_every_account() {
    let allow = allowlist_under(ANY_ACCOUNT, "arn:aws:iam::*:role/deployer");
    assert!(allow.allows(&principal(
        "arn:aws:sts::999988887777:assumed-role/deployer/s"
    )));
    assert!(!allow.allows(&principal("arn:aws:sts::999988887777:assumed-role/other/s")));
}

#[test]
fn with_both_opt_ins_the_bare_star_admits_everyone() {
    let allow = allowlist_under(BOTH, "*");
    assert!(allow.allows(&principal("arn:aws-cn:sts::999988887777:federated-user/x")));
}

// --- The shape of a pattern -------------------------------------------------------------------

#[test]
fn a_wildcard_partition_is_refused() {
    assert_eq!(
        refused("arn:*:iam::111122223333:root"),
        PatternRule::UnknownPartition
    );
}

#[test]
fn a_wildcard_service_is_refused() {
    assert_eq!(
        refused("arn:aws:*::111122223333:root"),
        PatternRule::UnsupportedPrincipal
    );
}

#[test]
fn a_wildcard_principal_kind_is_refused() {
    assert_eq!(
        refused("arn:aws:iam::111122223333:*"),
        PatternRule::UnsupportedPrincipal
    );
}

#[test]
fn a_region_in_the_arn_is_refused() {
    assert_eq!(
        refused("arn:aws:iam:us-east-1:111122223333:root"),
        PatternRule::NotAnArn
    );
}

#[test]
fn characters_outside_iam_names_are_refused() {
    assert_eq!(
        refused("arn:aws:iam::111122223333:role/deploy?r"),
        PatternRule::InvalidName
    );
}

#[test]
fn assumed_role_patterns_are_refused_so_nobody_authorizes_on_session_names() {
    assert_eq!(
        refused("arn:aws:sts::111122223333:assumed-role/r/alice"),
        PatternRule::AssumedRole
    );
}

#[test]
fn a_wildcard_role_name_under_a_path_is_refused() {
    assert_eq!(
        refused("arn:aws:iam::111122223333:role/team/*"),
        PatternRule::RolePathWildcard
    );
}

#[test]
fn a_wildcard_in_a_role_path_is_refused() {
    assert_eq!(
        refused("arn:aws:iam::111122223333:role/*/deployer"),
        PatternRule::RolePathWildcard
    );
}

// --- Item 4: the refusal names the entry and the rule -----------------------------------------

#[test]
fn a_refusal_names_the_entry_and_the_rule() {
    let pattern = format!("{SSO}/*");
    let err = Allowlist::new().add("readers", &pattern).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("{pattern:?}")), "{text}");
    assert!(text.contains("sso-role-prefix"), "{text}");
}

// --- What accepted patterns match -------------------------------------------------------------

#[test]
fn exact_patterns_match_only_that_principal_case_insensitively() {
    let allow = allowlist("arn:aws:iam::111122223333:role/Deployer");
    assert!(allow.allows(&role("deployer")));
    assert!(!allow.allows(&principal(
        "arn:aws:sts::999988887777:assumed-role/deployer/x"
    )));
    assert!(!allow.allows(&role("deployer2")));
}

#[test]
fn user_wildcards_follow_glob_semantics_within_the_resource() {
    let allow = allowlist("arn:aws:iam::111122223333:user/eng/*");
    assert!(allow.allows(&principal("arn:aws:iam::111122223333:user/eng/alice")));
    assert!(allow.allows(&principal("arn:aws:iam::111122223333:user/eng/sub/alice")));
    assert!(!allow.allows(&principal("arn:aws:iam::111122223333:user/ops/alice")));
}

#[test]
fn role_patterns_with_a_path_match_by_name() {
    let allow = allowlist("arn:aws:iam::111122223333:role/team/deployer");
    assert!(allow.allows(&role("deployer")));
}

#[test]
fn a_pattern_matches_only_its_own_partition() {
    let allow = allowlist("arn:aws:iam::111122223333:root");
    assert!(allow.allows(&principal("arn:aws:iam::111122223333:root")));
    assert!(!allow.allows(&principal("arn:aws-cn:iam::111122223333:root")));
}

#[test]
fn roles_are_reported_per_group() {
    let mut allow = Allowlist::new();
    allow
        .add("readers", "arn:aws:iam::111122223333:user/*")
        .unwrap();
    allow
        .add("readers", "arn:aws:iam::111122223333:root")
        .unwrap();
    allow
        .add("writers", "arn:aws:iam::111122223333:root")
        .unwrap();
    assert_eq!(
        allow.roles_of(&principal("arn:aws:iam::111122223333:user/x")),
        vec!["readers"]
    );
    assert_eq!(
        allow.roles_of(&principal("arn:aws:iam::111122223333:root")),
        vec!["readers", "writers"]
    );
    assert!(
        Allowlist::new()
            .roles_of(&principal("arn:aws:iam::111122223333:root"))
            .is_empty()
    );
}
