//! The I/O edge: a template file, or every stack of a cloud assembly (`manifest.json`), read into
//! [`Stack`]s, with the edge bundles' `config.json` of its asset directories. Everything after this
//! is pure over what it returns.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;

/// One stack's template.
#[derive(Debug, Clone)]
pub struct Stack {
    /// The template file, as the user gave it or the manifest names it.
    pub path: String,
    /// The stack's region (`aws://account/region` in the manifest), when known.
    pub region: Option<String>,
    /// The template; its `Resources` is an object (checked on reading).
    pub template: Value,
}

impl Stack {
    /// The template file's name (`edge-lambda-stack-….template.json`).
    pub fn file_name(&self) -> String {
        Path::new(&self.path)
            .file_name()
            .map_or_else(|| self.path.clone(), |n| n.to_string_lossy().into_owned())
    }
}

/// What a path holds: its stacks and the asset directories' `config.json` by asset hash.
#[derive(Debug, Clone, Default)]
pub struct Assembly {
    /// Every stack.
    pub stacks: Vec<Stack>,
    /// `asset.<hash>/config.json`, parsed, by `<hash>`.
    pub configs: BTreeMap<String, Value>,
}

/// Reads `path`: a template file (its directory's `manifest.json`, when there is one, gives its
/// region and the assets), or a cloud assembly directory.
pub fn load(path: &Path) -> Result<Assembly, Error> {
    if path.is_dir() {
        let manifest = path.join("manifest.json");
        if !manifest.is_file() {
            return Err(Error::NotAssembly(path.display().to_string()));
        }
        let stacks = manifest_stacks(path, &manifest)?
            .into_iter()
            .map(|(file, region)| stack(&path.join(file), region))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Assembly {
            stacks,
            configs: configs(path)?,
        });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let manifest = dir.join("manifest.json");
    let (region, configs) = if manifest.is_file() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let region = manifest_stacks(dir, &manifest)?
            .into_iter()
            .find(|(file, _)| Some(file) == name.as_ref())
            .and_then(|(_, region)| region);
        (region, configs(dir)?)
    } else {
        (None, BTreeMap::new())
    };
    Ok(Assembly {
        stacks: vec![stack(path, region)?],
        configs,
    })
}

fn read_text(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// One template file, parsed and checked to be a template.
fn stack(path: &Path, region: Option<String>) -> Result<Stack, Error> {
    let text = read_text(path)?;
    let template = crate::parse::template(&path.display().to_string(), &text)?;
    Ok(Stack {
        path: path.display().to_string(),
        region,
        template,
    })
}

/// Every `aws:cloudformation:stack` artifact of the manifest: its template file and region.
fn manifest_stacks(dir: &Path, manifest: &Path) -> Result<Vec<(String, Option<String>)>, Error> {
    let text = read_text(manifest)?;
    let stacks = crate::parse::manifest(&manifest.display().to_string(), &text)?;
    if stacks.is_empty() {
        return Err(Error::Manifest {
            path: manifest.display().to_string(),
            reason: format!("it lists no CloudFormation stack under {}", dir.display()),
        });
    }
    Ok(stacks)
}

/// `asset.*/config.json` of the assembly directory (the edge bundles' baked configuration).
fn configs(dir: &Path) -> Result<BTreeMap<String, Value>, Error> {
    let mut out = BTreeMap::new();
    let entries = fs::read_dir(dir).map_err(|e| Error::Io {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(hash) = name.strip_prefix("asset.") else {
            continue;
        };
        let config: PathBuf = entry.path().join("config.json");
        if config.is_file() {
            let text = read_text(&config)?;
            let value = serde_json::from_str(&text).map_err(|e| Error::NotJson {
                path: config.display().to_string(),
                reason: e.to_string(),
            })?;
            out.insert(hash.to_owned(), value);
        }
    }
    Ok(out)
}
