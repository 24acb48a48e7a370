//! The corpus under `fixtures/doctor/`: the good chain passes every check, each mutation of it
//! fails exactly its check, and plain aws-cdk-lib's chain fails `grant-invoke-function` before
//! 2.273.0 and passes every check from then on.

mod common;

use std::path::Path;

use chain_from_template::{chains, read};
use common::{apply, assembly, corpus, failing, failures, mutations};
use oac_doctor::model::Chain;

#[test]
fn the_good_chain_passes_every_check() {
    let chains = read(&corpus().join("good")).unwrap();
    assert_eq!(chains.len(), 1);
    assert!(failing(&chains).is_empty(), "{}", failures(&chains));
}

#[test]
fn every_check_has_a_mutation_and_each_fails_exactly_its_check() {
    let good = assembly(&corpus().join("good"));
    let good_chains = chains(&good);
    let mutations = mutations();
    let mut covered: Vec<&str> = mutations.iter().map(|m| m.check.as_str()).collect();
    covered.sort_unstable();
    let mut ids: Vec<&str> = oac_doctor::checks::all().iter().map(|c| c.id).collect();
    ids.sort_unstable();
    assert_eq!(covered, ids, "one mutation per check");
    for m in &mutations {
        let broken =
            apply(m, &good).unwrap_or_else(|| panic!("{} does not apply to good/", m.check));
        let broken = chains(&broken);
        assert_ne!(
            broken, good_chains,
            "{}: the mutation changed nothing the reader sees",
            m.check
        );
        assert_eq!(
            failing(&broken),
            [m.check.as_str()],
            "{} ({}):\n{}",
            m.check,
            m.what,
            failures(&broken)
        );
    }
}

fn plain_cdk(version: &str) -> Vec<Chain> {
    let file = corpus().join(format!("plain-cdk/aws-cdk-lib-{version}.template.json"));
    read(Path::new(&file)).unwrap()
}

/// Plain aws-cdk-lib `version`'s chain fails exactly `want`.
fn assert_plain(version: &str, want: &[&str]) {
    let chains = plain_cdk(version);
    assert_eq!(failing(&chains), want, "{version}:\n{}", failures(&chains));
}

#[test]
fn plain_aws_cdk_lib_before_2_273_lacks_the_invoke_function_grant() {
    assert_plain("2.271.0", &["grant-invoke-function"]);
}

#[test]
fn plain_aws_cdk_lib_2_276_grants_invoke_function() {
    assert_plain("2.276.0", &[]);
}
