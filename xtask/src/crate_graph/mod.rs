//! `cargo xtask crate-graph` (also a step of `cargo xtask test`): prints the workspace's crate
//! graph and checks the layout rules, failing with one line per violating arrow:
//!
//! - nothing that ships depends on a dev-only crate: no normal or build dependency from a crate
//!   under `shared/`, `tools/` or `functions/` on one under `dev/` ([`graph`]);
//! - no dependency cycle, dev-dependencies counted (a crate's dev-dependency on itself, which
//!   only turns on features for its own tests, is not a cycle) ([`graph`]);
//! - oac-dev's components import the model and the plumbing, never each other ([`imports`]).

pub mod graph;
pub mod imports;

use anyhow::{Result, bail};

use crate::run::{cargo, output, root};

/// oac-dev's library sources, whose imports are checked.
const OAC_DEV_SRC: &str = "tools/oac-dev/src";

/// Prints the crate graph, then fails naming every violation of the layout rules.
pub fn run() -> Result<()> {
    let metadata = output(cargo().args(["metadata", "--format-version", "1", "--no-deps"]))?;
    let graph = graph::Graph::from_metadata(&serde_json::from_str(&metadata)?)?;
    print!("{}", graph.render());
    let mut violations = graph.violations();
    let sources = imports::read_tree(&root().join(OAC_DEV_SRC))?;
    let imports = imports::check(&sources).into_iter();
    violations.extend(imports.map(|v| format!("{OAC_DEV_SRC}/{v}")));
    if !violations.is_empty() {
        for v in &violations {
            eprintln!("layout: {v}");
        }
        bail!("{} layout violation(s)", violations.len());
    }
    eprintln!(
        "crate graph: nothing that ships depends on dev/, no cycle; oac-dev's components import only the model and the plumbing"
    );
    Ok(())
}
