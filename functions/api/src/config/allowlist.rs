//! `IDENTITY_READERS` / `IDENTITY_WRITERS` and their opt-ins, parsed into one [`Allowlist`].
//!
//! Every pattern is checked by `fluid_identity`'s allowlist rules; a refused one is reported as
//! `VARIABLE: allowlist entry "PATTERN" breaks rule RULE: why`, and the process does not start.

use fluid_identity::{Allowlist, AllowlistPolicy};

use super::{READERS, WRITERS};

/// Opt-in: accept `arn:P:sts::A:federated-user/…` patterns (names chosen by the caller of
/// `sts:GetFederationToken`).
pub const ALLOW_FEDERATED_USERS: &str = "IDENTITY_ALLOW_FEDERATED_USERS";
/// Opt-in: accept a wildcard account (`arn:P:iam::*:…`) and the bare `*` (every AWS account).
pub const ALLOW_ANY_ACCOUNT: &str = "IDENTITY_ALLOW_ANY_ACCOUNT";

/// Reads the opt-ins, then the reader and writer patterns; pushes one line per problem onto
/// `errors`. Returns the allowlist and the number of reader and writer patterns.
pub(super) fn allowlist_from_vars<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    errors: &mut Vec<String>,
) -> (Allowlist, (usize, usize)) {
    let policy = AllowlistPolicy {
        allow_federated_users: flag(&get, ALLOW_FEDERATED_USERS, errors),
        allow_any_account: flag(&get, ALLOW_ANY_ACCOUNT, errors),
    };
    let mut allowlist = Allowlist::with_policy(policy);
    let mut counts = [0usize; 2];
    for (i, (var, role)) in [("IDENTITY_READERS", READERS), ("IDENTITY_WRITERS", WRITERS)]
        .into_iter()
        .enumerate()
    {
        for pattern in get(var).unwrap_or("").split(',').map(str::trim) {
            if pattern.is_empty() {
                continue;
            }
            match allowlist.add(role, pattern) {
                Ok(()) => counts[i] += 1,
                Err(e) => errors.push(format!("{var}: {e}")),
            }
        }
    }
    (allowlist, (counts[0], counts[1]))
}

/// `true` or `false`; unset means `false`; anything else is a configuration error (fail closed).
fn flag<'a>(get: &impl Fn(&str) -> Option<&'a str>, name: &str, errors: &mut Vec<String>) -> bool {
    match get(name) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            errors.push(format!("{name}={other:?}: expected \"true\" or \"false\""));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> (Allowlist, Vec<String>) {
        let vars: HashMap<&str, &str> = pairs.iter().copied().collect();
        let mut errors = Vec::new();
        let (allowlist, _) = allowlist_from_vars(|name| vars.get(name).copied(), &mut errors);
        (allowlist, errors)
    }

    #[test]
    fn a_loose_sso_pattern_is_refused_naming_the_variable_the_entry_and_the_rule() {
        let pattern = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*";
        let (_, errors) = parse(&[("IDENTITY_READERS", pattern)]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(&format!(
                "IDENTITY_READERS: allowlist entry {pattern:?} breaks rule sso-role-prefix"
            )),
            "{errors:?}"
        );
    }

    #[test]
    fn federated_users_are_refused_without_the_opt_in() {
        let (_, errors) = parse(&[(
            "IDENTITY_WRITERS",
            "arn:aws:sts::111122223333:federated-user/ci",
        )]);
        assert!(
            errors[0].contains("breaks rule federated-user-not-allowed"),
            "{errors:?}"
        );
    }

    #[test]
    fn federated_users_are_accepted_with_the_opt_in() {
        let (allowlist, errors) = parse(&[
            (
                "IDENTITY_WRITERS",
                "arn:aws:sts::111122223333:federated-user/ci",
            ),
            (ALLOW_FEDERATED_USERS, "true"),
        ]);
        assert_eq!(errors, Vec::<String>::new());
        let p = fluid_identity::Principal::from_caller_arn(
            "arn:aws:sts::111122223333:federated-user/ci",
        )
        .unwrap();
        assert_eq!(allowlist.roles_of(&p), vec![WRITERS]);
    }

    #[test]
    fn any_account_is_refused_without_the_opt_in() {
        let (_, errors) = parse(&[("IDENTITY_READERS", "arn:aws:iam::*:role/auditor")]);
        assert!(
            errors[0].contains("breaks rule any-account-not-allowed"),
            "{errors:?}"
        );
    }

    #[test]
    fn any_account_is_accepted_with_the_opt_in() {
        let (_, errors) = parse(&[
            ("IDENTITY_READERS", "arn:aws:iam::*:role/auditor"),
            (ALLOW_ANY_ACCOUNT, "true"),
        ]);
        assert_eq!(errors, Vec::<String>::new());
    }

    #[test]
    fn an_opt_in_other_than_true_or_false_is_refused() {
        let (_, errors) = parse(&[(ALLOW_ANY_ACCOUNT, "yes")]);
        assert_eq!(
            errors,
            vec![format!(
                "{ALLOW_ANY_ACCOUNT}=\"yes\": expected \"true\" or \"false\""
            )]
        );
    }
}
