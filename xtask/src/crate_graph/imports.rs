//! oac-dev's components import a shared model, not each other. Every top-level module of its
//! library (`tools/oac-dev/src/<module>.rs` or `<module>/`) is one of:
//!
//! - the model ([`MODEL`]): what two components must agree on; it imports only itself;
//! - plumbing ([`PLUMBING`]): configuration and the plain types between stages; imports the model
//!   and plumbing;
//! - wiring ([`WIRING`]): what assembles the components into the chain; imports anything;
//! - else a component (CloudFront, the Function URL, the Runtime API, the edge workers, …): it
//!   imports the model and the plumbing, never another component nor the wiring.
//!
//! An import is any path `crate::<module>` (also inside `crate::{…}`) and any `super::` chain
//! that climbs to the crate root, outside comments and string literals; a path to an item the
//! crate root re-exports (`crate::Chain`) is refused, as it would hide which module it imports. `lib.rs`, `main.rs` and
//! `bin/` are the roots and are not checked; a file included with `#[path = "…"]` belongs to the
//! module that includes it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The shared model.
pub const MODEL: &[&str] = &["model"];
/// Plumbing any module may import.
pub const PLUMBING: &[&str] = &["config", "http", "stage", "secret_source", "stop_signal"];
/// The wiring: only it imports components of its own choosing.
pub const WIRING: &[&str] = &[
    "chain",
    "artifacts",
    "kvs_feed",
    "sigv4_fixtures",
    "viewer_mtls",
];

/// A source file: its path relative to `src/` and its text.
pub type Source = (PathBuf, String);

/// Every `.rs` file under `src` (relative paths, sorted).
pub fn read_tree(src: &Path) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    let mut dirs = vec![src.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                out.push((path.strip_prefix(src)?.to_owned(), text));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every import that breaks the layering, as `file:line: from -> to: why`.
pub fn check(sources: &[Source]) -> Vec<String> {
    let owners = owners(sources);
    let mut out = Vec::new();
    for (file, text) in sources {
        let Some((from, depth)) = owners.get(file) else {
            continue;
        };
        let code = blank_comments_and_strings(text);
        for (offset, to) in imports(&code, *depth) {
            let why = if !owners.values().any(|(m, _)| *m == to) {
                Some("an item of the crate root: import it from the module that defines it")
            } else if to == *from {
                None
            } else {
                refusal(from, &to)
            };
            if let Some(why) = why {
                let line = code[..offset].matches('\n').count() + 1;
                out.push(format!("{}:{line}: {from} -> {to}: {why}", file.display()));
            }
        }
    }
    out
}

/// Why `from` may not import `to` (`None`: it may).
fn refusal(from: &str, to: &str) -> Option<&'static str> {
    let is = |set: &[&str], m: &str| set.contains(&m);
    if is(WIRING, from) {
        None
    } else if is(WIRING, to) {
        Some("only the wiring imports the wiring")
    } else if is(MODEL, from) {
        Some("the model imports nothing of the crate but itself")
    } else if is(MODEL, to) || is(PLUMBING, to) {
        None
    } else if is(PLUMBING, from) {
        Some("plumbing imports only the model and plumbing")
    } else {
        Some("a component imports another component; share what both need through the model")
    }
}

/// Each checked file's top-level module and module depth (`cloudfront/kvs.rs`: 2).
fn owners(sources: &[Source]) -> BTreeMap<PathBuf, (String, usize)> {
    let mut owners = BTreeMap::new();
    for (file, _) in sources {
        let parts: Vec<String> = file
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let roots = ["lib.rs", "main.rs"];
        if parts[0] == "bin" || (parts.len() == 1 && roots.contains(&parts[0].as_str())) {
            continue;
        }
        let top = parts[0].trim_end_matches(".rs").to_owned();
        let last = parts.last().expect("a file name");
        let depth = if last == "mod.rs" {
            parts.len() - 1
        } else {
            parts.len()
        };
        owners.insert(file.clone(), (top, depth));
    }
    // `#[path = "x_tests.rs"] mod tests;`: the included file is part of the includer.
    for (file, text) in sources {
        let Some((top, depth)) = owners.get(file).cloned() else {
            continue;
        };
        for rest in text.split("#[path = \"").skip(1) {
            let Some((name, _)) = rest.split_once('"') else {
                continue;
            };
            let included = file.parent().unwrap_or(Path::new("")).join(name);
            if owners.contains_key(&included) {
                owners.insert(included, (top.clone(), depth + 1));
            }
        }
    }
    owners
}

/// `(offset, module)` of every path into the crate root: `crate::m`, each `m` of
/// `crate::{m::…, n}`, and `super::…::m` when the `super`s climb out of the file's module
/// (`depth` levels, plus one per inline `mod m { … }` around them).
fn imports(code: &str, depth: usize) -> Vec<(usize, String)> {
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    // Brace depth, and the depths at which inline modules opened.
    let (mut braces, mut inline_mods, mut mod_pending) = (0i64, Vec::new(), false);
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == b'$');
        match bytes[i] {
            b'{' => {
                braces += 1;
                if std::mem::take(&mut mod_pending) {
                    inline_mods.push(braces);
                }
            }
            b'}' => {
                if inline_mods.last() == Some(&braces) {
                    inline_mods.pop();
                }
                braces -= 1;
            }
            b';' => mod_pending = false,
            b'm' if starts_word && code[i..].starts_with("mod") => {
                mod_pending = bytes.get(i + 3).is_some_and(u8::is_ascii_whitespace);
            }
            _ => {}
        }
        let after = if !starts_word {
            None
        } else if code[i..].starts_with("crate::") {
            Some(i + "crate::".len())
        } else if code[i..].starts_with("super::") && !code[..i].ends_with("super::") {
            let mut j = i;
            let mut climbs = 0;
            while code[j..].starts_with("super::") {
                j += "super::".len();
                climbs += 1;
            }
            (climbs >= depth + inline_mods.len()).then_some(j)
        } else {
            None
        };
        let Some(start) = after else {
            i += 1;
            continue;
        };
        if bytes.get(start) == Some(&b'{') {
            out.extend(group_heads(code, start + 1).into_iter().map(|m| (i, m)));
        } else {
            let end = start + code[start..].bytes().take_while(|b| is_ident(*b)).count();
            if end > start {
                out.push((i, code[start..end].to_owned()));
            }
        }
        i = start;
    }
    out
}

/// The first name of each item of the `{…}` group opened just before `start`.
fn group_heads(code: &str, start: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 1;
    let mut item_start = true;
    let mut name = String::new();
    for c in code[start..].chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_start = true,
            c if depth == 1 && item_start && (c.is_alphanumeric() || c == '_') => name.push(c),
            _ if depth == 1 && item_start && !name.is_empty() => {
                heads.push(std::mem::take(&mut name));
                item_start = false;
            }
            _ => {}
        }
    }
    if !name.is_empty() {
        heads.push(name);
    }
    heads
}

/// `code` with comments and the insides of string and char literals replaced by spaces
/// (newlines kept, so offsets and line numbers stay).
fn blank_comments_and_strings(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let peek = |i: usize, n: usize| chars.get(i + n).copied();
    while i < chars.len() {
        if chars[i] == '/' && peek(i, 1) == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if chars[i] == '/' && peek(i, 1) == Some('*') {
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && peek(i, 1) == Some('*') {
                    nesting += 1;
                } else if chars[i] == '*' && peek(i, 1) == Some('/') {
                    nesting -= 1;
                    if nesting == 0 {
                        out.push_str("  ");
                        i += 2;
                        break;
                    }
                }
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if chars[i] == 'r' && matches!(peek(i, 1), Some('"' | '#')) {
            // A raw string: r"…" or r#"…"#, no escapes.
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let close: Vec<char> = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            let mut j = i + 2 + hashes;
            while j < chars.len() && !chars[j..].starts_with(&close) {
                j += 1;
            }
            let end = (j + close.len()).min(chars.len());
            chars[i..end].iter().for_each(|c| blank(&mut out, *c));
            i = end;
        } else if chars[i] == '"' || (chars[i] == '\'' && is_char_literal(&chars[i..])) {
            let quote = chars[i];
            blank(&mut out, chars[i]);
            i += 1;
            while i < chars.len() && chars[i] != quote {
                let n = if chars[i] == '\\' { 2 } else { 1 };
                for _ in 0..n.min(chars.len() - i) {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
            if i < chars.len() {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `'x'` or `'\…'` (a lifetime `'a` is not).
fn is_char_literal(at: &[char]) -> bool {
    at.get(1) == Some(&'\\') || at.get(2) == Some(&'\'')
}

#[cfg(test)]
#[path = "imports_tests.rs"]
mod tests;
