//! The chains of a synthesized CloudFormation template or cloud assembly, for `oac-kit doctor
//! --template`.

use std::path::Path;

use oac_doctor::model::Chain;

/// Why a template could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading failed.
    #[error("{0}")]
    Read(String),
}

/// Every distribution's chain in `path`: one template file, or a cloud assembly directory (every
/// stack, references between them followed).
pub fn read(path: &Path) -> Result<Vec<Chain>, Error> {
    Err(Error::Read(format!(
        "{}: the template reader is not built yet",
        path.display()
    )))
}
