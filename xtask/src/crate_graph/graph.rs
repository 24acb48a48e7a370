//! The workspace's crate graph from `cargo metadata --no-deps`: who depends on whom among the
//! workspace's own crates, its rendering, and the two rules on its arrows.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use anyhow::{Context, Result};
use serde_json::Value;

/// Directories whose crates ship (linked into a function, an edge bundle, the client or a tool
/// users run): none of them may depend on a crate under [`DEV_DIR`].
pub const SHIPPED_DIRS: &[&str] = &["shared/", "tools/", "functions/"];
/// Development- and test-only crates.
pub const DEV_DIR: &str = "dev/";

/// One workspace crate and its arrows to other workspace crates (by package name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    /// Its directory, relative to the workspace root (`tools/oac-dev`).
    pub path: String,
    /// Its package name.
    pub name: String,
    /// Normal and build dependencies.
    pub deps: BTreeSet<String>,
    /// Dev-dependencies.
    pub dev_deps: BTreeSet<String>,
}

/// The workspace's crates, ordered by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    crates: Vec<Crate>,
}

impl Graph {
    /// The graph of `cargo metadata --format-version 1 --no-deps`'s output: only the arrows
    /// between workspace crates.
    pub fn from_metadata(metadata: &Value) -> Result<Graph> {
        let root = metadata["workspace_root"]
            .as_str()
            .context("cargo metadata: no workspace_root")?;
        let packages = metadata["packages"]
            .as_array()
            .context("cargo metadata: no packages")?;
        let names: BTreeSet<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
        let mut crates = Vec::new();
        for package in packages {
            let name = package["name"]
                .as_str()
                .context("a package without a name")?;
            let manifest = package["manifest_path"]
                .as_str()
                .with_context(|| format!("{name}: no manifest_path"))?;
            let path = manifest
                .strip_prefix(root)
                .and_then(|m| m.strip_suffix("Cargo.toml"))
                .with_context(|| format!("{name}: {manifest} is not under {root}"))?
                .trim_matches('/')
                .to_owned();
            let mut krate = Crate {
                path,
                name: name.to_owned(),
                deps: BTreeSet::new(),
                dev_deps: BTreeSet::new(),
            };
            for dep in package["dependencies"].as_array().into_iter().flatten() {
                let dep_name = dep["name"]
                    .as_str()
                    .context("a dependency without a name")?;
                if dep["path"].is_null() || !names.contains(dep_name) {
                    continue;
                }
                match dep["kind"].as_str() {
                    Some("dev") => krate.dev_deps.insert(dep_name.to_owned()),
                    _ => krate.deps.insert(dep_name.to_owned()),
                };
            }
            crates.push(krate);
        }
        Ok(Graph::new(crates))
    }

    /// A graph of `crates`.
    pub fn new(mut crates: Vec<Crate>) -> Graph {
        crates.sort_by(|a, b| a.path.cmp(&b.path));
        Graph { crates }
    }

    /// One line per crate: `path -> deps   [dev: dev-deps]`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.crates {
            let deps: Vec<&str> = c.deps.iter().map(String::as_str).collect();
            out.push_str(&format!("{:<28} -> {}", c.path, deps.join(", ")));
            if !c.dev_deps.is_empty() {
                let dev: Vec<&str> = c.dev_deps.iter().map(String::as_str).collect();
                out.push_str(&format!("   [dev: {}]", dev.join(", ")));
            }
            out.push('\n');
        }
        out
    }

    /// Every arrow breaking a rule: a shipped crate depending on a dev-only one, and every cycle.
    pub fn violations(&self) -> Vec<String> {
        let mut out = self.arrows_into_dev();
        out.extend(self.cycles());
        out
    }

    fn path_of<'a>(&'a self, name: &'a str) -> &'a str {
        self.crates
            .iter()
            .find(|c| c.name == name)
            .map_or(name, |c| c.path.as_str())
    }

    /// Normal or build dependencies from a crate that ships on a crate under `dev/`.
    fn arrows_into_dev(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.crates {
            if !SHIPPED_DIRS.iter().any(|d| c.path.starts_with(d)) {
                continue;
            }
            for dep in &c.deps {
                let to = self.path_of(dep);
                if to.starts_with(DEV_DIR) {
                    out.push(format!(
                        "{} -> {to}: a crate that ships ({}) depends on a dev-only crate ({DEV_DIR})",
                        c.path,
                        SHIPPED_DIRS.join(", ")
                    ));
                }
            }
        }
        out
    }

    /// Each cycle (dev-dependencies counted, self-arrows not), once, as its chain of arrows.
    fn cycles(&self) -> Vec<String> {
        let successors: BTreeMap<&str, BTreeSet<&str>> = self
            .crates
            .iter()
            .map(|c| {
                let next = c.deps.iter().chain(&c.dev_deps);
                let next = next.map(String::as_str).filter(|d| *d != c.name);
                (c.name.as_str(), next.collect())
            })
            .collect();
        let mut seen: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
        let mut out = Vec::new();
        for c in &self.crates {
            let Some(cycle) = shortest_cycle(&successors, &c.name) else {
                continue;
            };
            if seen.insert(cycle.iter().copied().collect()) {
                out.push(format!("dependency cycle: {}", self.describe(&cycle)));
            }
        }
        out
    }

    /// `a -> b -[dev]-> a`, with paths.
    fn describe(&self, cycle: &[&str]) -> String {
        let mut out = self.path_of(cycle[0]).to_owned();
        for pair in cycle.windows(2) {
            let from = self.crates.iter().find(|c| c.name == pair[0]);
            let normal = from.is_some_and(|c| c.deps.contains(pair[1]));
            let arrow = if normal { "->" } else { "-[dev]->" };
            out.push_str(&format!(" {arrow} {}", self.path_of(pair[1])));
        }
        out
    }
}

/// The shortest path `start -> … -> start`, if any (breadth-first).
fn shortest_cycle<'a>(
    successors: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    start: &'a str,
) -> Option<Vec<&'a str>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in successors.get(node).into_iter().flatten() {
            if next == start {
                // Back from `node` to `start` (the only node without a predecessor), reversed.
                let mut path = vec![start, node];
                while let Some(&prev) = came_from.get(path[path.len() - 1]) {
                    path.push(prev);
                }
                path.reverse();
                return Some(path);
            }
            if !came_from.contains_key(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A crate `(path, name, [(dependency, kind)])`.
    type Spec<'a> = (&'a str, &'a str, &'a [(&'a str, Option<&'a str>)]);

    /// `cargo metadata` as it reports `crates`.
    fn metadata(crates: &[Spec]) -> Value {
        let packages: Vec<Value> = crates
            .iter()
            .map(|(path, name, deps)| {
                let deps: Vec<Value> = deps
                    .iter()
                    .map(|(dep, kind)| json!({"name": dep, "kind": kind, "path": "/w/x"}))
                    .collect();
                json!({"name": name, "manifest_path": format!("/w/{path}/Cargo.toml"), "dependencies": deps})
            })
            .collect();
        json!({"workspace_root": "/w", "packages": packages})
    }

    fn graph(crates: &[Spec]) -> Graph {
        Graph::from_metadata(&metadata(crates)).unwrap()
    }

    #[test]
    fn renders_one_line_per_crate_by_path_in_the_closing_notes_format() {
        let g = graph(&[
            (
                "tools/tool",
                "tool",
                &[("lib", None), ("help", Some("dev"))],
            ),
            ("shared/lib", "lib", &[]),
            ("dev/help", "help", &[("lib", None)]),
        ]);
        assert_eq!(
            g.render(),
            "dev/help                     -> lib\n\
             shared/lib                   -> \n\
             tools/tool                   -> lib   [dev: help]\n"
        );
    }

    #[test]
    fn a_clean_graph_passes() {
        let g = graph(&[
            (
                "tools/tool",
                "tool",
                &[("lib", None), ("help", Some("dev"))],
            ),
            ("shared/lib", "lib", &[("lib", Some("dev"))]),
            ("dev/help", "help", &[("lib", None)]),
            (
                "tests/e2e",
                "e2e",
                &[("help", Some("dev")), ("tool", Some("dev"))],
            ),
        ]);
        assert_eq!(g.violations(), Vec::<String>::new());
    }

    #[test]
    fn a_tool_depending_on_a_dev_crate_fails_naming_the_arrow() {
        let g = graph(&[
            ("tools/tool", "tool", &[("standin", None)]),
            ("dev/standin", "standin", &[]),
        ]);
        let v = g.violations();
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("tools/tool -> dev/standin:"), "{v:?}");
    }

    #[test]
    fn build_dependencies_ship_too_and_dev_dependencies_do_not() {
        let g = graph(&[
            ("shared/lib", "lib", &[("gen", Some("build"))]),
            ("functions/f", "f", &[("gen", Some("dev"))]),
            ("dev/gen", "gen", &[]),
        ]);
        let v = g.violations();
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("shared/lib -> dev/gen:"), "{v:?}");
    }

    #[test]
    fn a_cycle_through_a_dev_dependency_fails_once_naming_its_arrows() {
        let g = graph(&[
            ("tools/tool", "tool", &[("support", Some("dev"))]),
            ("dev/support", "support", &[("tool", None)]),
        ]);
        assert_eq!(
            g.violations(),
            vec!["dependency cycle: dev/support -> tools/tool -[dev]-> dev/support"]
        );
    }

    #[test]
    fn a_longer_cycle_is_found() {
        let g = graph(&[
            ("shared/a", "a", &[("b", None)]),
            ("shared/b", "b", &[("c", None)]),
            ("shared/c", "c", &[("a", Some("dev"))]),
            ("shared/d", "d", &[("a", None)]),
        ]);
        assert_eq!(
            g.violations(),
            vec!["dependency cycle: shared/a -> shared/b -> shared/c -[dev]-> shared/a"]
        );
    }

    #[test]
    fn registry_dependencies_are_not_arrows() {
        let mut m = metadata(&[("tools/tool", "tool", &[])]);
        m["packages"][0]["dependencies"] = json!([{"name": "serde", "kind": null, "path": null}]);
        let g = Graph::from_metadata(&m).unwrap();
        assert_eq!(g.render(), format!("{:<28} -> \n", "tools/tool"));
    }
}
