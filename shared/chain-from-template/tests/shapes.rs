//! Every synthesized shape of the CDK construct passes every check, and each mutation of
//! `fixtures/doctor/mutations.json` that applies to a shape fails exactly its check there. The
//! shapes are synthesized by `cargo xtask test`'s cfn-lint step, which is after the workspace's
//! tests: `xtask/src/doctor_shapes.rs` runs this with `--ignored` and `OAC_KIT_SHAPES_DIR`.

mod common;

use std::path::PathBuf;

use chain_from_template::chains;
use common::{apply, assembly, failing, failures, mutations};

#[test]
#[ignore = "needs the synthesized shapes: cargo xtask test runs it after synthesizing them"]
fn every_shape_passes_and_each_mutation_fails_exactly_its_check() {
    let dir = PathBuf::from(
        std::env::var_os("OAC_KIT_SHAPES_DIR")
            .expect("OAC_KIT_SHAPES_DIR names the shapes' directory"),
    );
    let mut shapes: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("manifest.json").is_file())
        .collect();
    shapes.sort();
    assert!(!shapes.is_empty(), "no shapes in {}", dir.display());
    let mutations = mutations();
    let mut applied = vec![0; mutations.len()];
    for shape in &shapes {
        let good = assembly(shape);
        let good_chains = chains(&good);
        assert!(!good_chains.is_empty(), "{}", shape.display());
        assert!(
            failing(&good_chains).is_empty(),
            "{}:\n{}",
            shape.display(),
            failures(&good_chains)
        );
        for (m, count) in mutations.iter().zip(&mut applied) {
            let Some(broken) = apply(m, &good) else {
                continue;
            };
            *count += 1;
            let broken = chains(&broken);
            assert_eq!(
                failing(&broken),
                [m.check.as_str()],
                "{} broken by {} ({}):\n{}",
                shape.display(),
                m.check,
                m.what,
                failures(&broken)
            );
        }
    }
    for (m, count) in mutations.iter().zip(applied) {
        assert!(count > 0, "{} applies to no shape", m.check);
    }
}
