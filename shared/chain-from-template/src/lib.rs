//! The chains of a synthesized CloudFormation template or cloud assembly, for `oac-kit doctor
//! --template`: one [`Chain`] per `AWS::CloudFront::Distribution`, with what is behind it (origins,
//! OACs, Function URLs and their grants, behaviours, policies, CloudFront Functions, Lambda@Edge
//! versions followed to CDK's us-east-1 support stack, oac-kit's Cloudflare rule). Values are
//! rendered as `oac_doctor::model`'s module doc says; what the files reference but do not define is
//! `Known::Unknown` with the reason, never guessed. [`input`] is the only module reading files.

mod behavior;
mod chain;
pub mod input;
mod locate;
mod origin;
mod parse;
mod policies;
mod render;

use std::path::Path;

use oac_doctor::model::Chain;

/// Why a path could not be read as templates.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file or directory could not be read.
    #[error("{path}: {reason}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// The file is not JSON.
    #[error("{path}: not JSON: {reason}")]
    NotJson {
        /// The file.
        path: String,
        /// The parser's message.
        reason: String,
    },
    /// The file is a YAML template.
    #[error(
        "{0}: a YAML template; give the synthesized JSON (`cdk synth` writes cdk.out/*.template.json)"
    )]
    Yaml(String),
    /// The JSON is not a template with resources.
    #[error("{0}: not a CloudFormation template")]
    NoResources(String),
    /// A directory without `manifest.json`.
    #[error(
        "{0}: a directory without manifest.json; give a template file or a cloud assembly (cdk.out)"
    )]
    NotAssembly(String),
    /// The cloud assembly's `manifest.json` is unusable.
    #[error("{path}: not a cloud assembly manifest: {reason}")]
    Manifest {
        /// The manifest.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Nothing to check.
    #[error("{0}: no AWS::CloudFront::Distribution in it")]
    NoDistribution(String),
}

/// Every distribution's chain in `path`: one template file, or a cloud assembly directory (every
/// stack, references between them followed).
pub fn read(path: &Path) -> Result<Vec<Chain>, Error> {
    let assembly = input::load(path)?;
    let chains = chain::chains(&assembly);
    if chains.is_empty() {
        return Err(Error::NoDistribution(path.display().to_string()));
    }
    Ok(chains)
}

/// [`read`] over an assembly already in memory (the tests' mutated templates).
pub fn chains(assembly: &input::Assembly) -> Vec<Chain> {
    chain::chains(assembly)
}
