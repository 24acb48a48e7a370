//! The sizes of the built artifacts, as the last build of each measured them: `target/sizes.txt`,
//! one line an artifact (`<artifact> <bytes> bytes[, limit <bytes>]`), sorted by name. The docs
//! point here instead of quoting numbers that go stale. `cargo xtask cloudfront-function`,
//! `cargo xtask edge` and `cargo xtask test` (the api zip) write their lines; a line is replaced
//! by the next build of its artifact, the others are kept.

use std::fs;

use anyhow::{Context, Result};

/// Where the sizes are written, relative to the workspace root.
pub const FILE: &str = "target/sizes.txt";

/// Records `artifact`'s size (and the limit it is checked against) in [`FILE`].
pub fn record(artifact: &str, bytes: u64, limit: Option<u64>) -> Result<()> {
    let path = crate::paths::in_target(FILE);
    let previous = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let text = with_line(&previous, artifact, bytes, limit);
    fs::create_dir_all(path.parent().expect("target/ is a directory"))?;
    fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

/// `previous` with `artifact`'s line replaced (or added), every line sorted by artifact.
fn with_line(previous: &str, artifact: &str, bytes: u64, limit: Option<u64>) -> String {
    let mut line = format!("{artifact} {bytes} bytes");
    if let Some(limit) = limit {
        line.push_str(&format!(", limit {limit}"));
    }
    let mut lines: Vec<&str> = previous
        .lines()
        .filter(|l| !l.is_empty() && l.split(' ').next() != Some(artifact))
        .collect();
    lines.push(&line);
    lines.sort_by_key(|l| l.split(' ').next().unwrap_or_default().to_owned());
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_artifact_is_added_in_name_order() {
        let text = with_line("b.zip 10 bytes\n", "a.js", 5054, Some(10240));
        assert_eq!(text, "a.js 5054 bytes, limit 10240\nb.zip 10 bytes\n");
    }

    #[test]
    fn a_rebuilt_artifact_replaces_only_its_own_line() {
        let before = "a.js 5054 bytes, limit 10240\na.js.map 7 bytes\nb.zip 10 bytes\n";
        let text = with_line(before, "a.js", 4961, Some(10240));
        assert_eq!(
            text,
            "a.js 4961 bytes, limit 10240\na.js.map 7 bytes\nb.zip 10 bytes\n"
        );
    }
}
