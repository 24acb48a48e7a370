//! The addon must load where it is deployed: Lambda@Edge runs Node.js 22 on Amazon Linux 2023,
//! x86_64 only, glibc 2.34. An addon built for another machine fails there with "invalid ELF
//! header" or a missing `GLIBC_2.xx` symbol version, and only at the first request.

use anyhow::{Context, Result, bail};
use object::read::elf::{ElfFile64, FileHeader};
use object::{Architecture, Endianness, Object, ObjectKind};

/// Amazon Linux 2023's glibc.
pub const MAX_GLIBC: (u32, u32) = (2, 34);

/// What the check found.
#[derive(Debug)]
pub struct AddonReport {
    /// Every GLIBC version it needs, sorted (the last is the highest).
    pub glibc_versions: Vec<String>,
}

/// Fails unless `bytes` is an x86-64 ELF shared object needing no glibc newer than `max_glibc`.
pub fn check_addon(bytes: &[u8], max_glibc: (u32, u32)) -> Result<AddonReport> {
    let file = object::File::parse(bytes).context("addon is not an object file")?;
    if file.format() != object::BinaryFormat::Elf {
        bail!("addon is {:?}, not ELF", file.format());
    }
    if file.architecture() != Architecture::X86_64 {
        bail!(
            "addon is built for {:?}; Lambda@Edge runs x86_64 only",
            file.architecture()
        );
    }
    if file.kind() != ObjectKind::Dynamic {
        bail!("addon is {:?}, not a shared object", file.kind());
    }
    let elf = ElfFile64::<Endianness>::parse(bytes).context("not a 64-bit ELF")?;
    let endian = elf.endian();
    let sections = elf.elf_header().sections(endian, bytes)?;
    let mut versions: Vec<(u32, u32, String)> = Vec::new();
    if let Some((mut needs, link)) = sections.gnu_verneed(endian, bytes)? {
        let strings = sections.strings(endian, bytes, link)?;
        while let Some((_need, mut auxes)) = needs.next()? {
            while let Some(aux) = auxes.next()? {
                let name = String::from_utf8_lossy(aux.name(endian, strings)?).into_owned();
                if let Some(v) = parse_glibc(&name) {
                    versions.push((v.0, v.1, name));
                }
            }
        }
    }
    versions.sort();
    versions.dedup();
    let max = versions.last().map(|(a, b, _)| (*a, *b));
    if let Some(v) = max.filter(|v| *v > max_glibc) {
        bail!(
            "addon needs GLIBC_{}.{} but Amazon Linux 2023 has {}.{}: build on an older glibc",
            v.0,
            v.1,
            max_glibc.0,
            max_glibc.1
        );
    }
    Ok(AddonReport {
        glibc_versions: versions.into_iter().map(|(_, _, n)| n).collect(),
    })
}

/// `GLIBC_2.34` → (2, 34); `GLIBC_2.2.5` → (2, 2); `GLIBC_PRIVATE` → None.
fn parse_glibc(name: &str) -> Option<(u32, u32)> {
    let mut parts = name.strip_prefix("GLIBC_")?.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The running test binary: an x86-64 ELF that links glibc (a PIE executable, so `Dynamic`).
    fn some_x86_64_elf() -> Vec<u8> {
        std::fs::read(std::env::current_exe().unwrap()).unwrap()
    }

    #[test]
    fn parses_glibc_version_names() {
        assert_eq!(parse_glibc("GLIBC_2.34"), Some((2, 34)));
        assert_eq!(parse_glibc("GLIBC_2.2.5"), Some((2, 2)));
        assert_eq!(parse_glibc("GLIBC_PRIVATE"), None);
        assert_eq!(parse_glibc("GCC_3.0"), None);
    }

    #[test]
    fn rejects_a_file_that_is_not_elf() {
        let err = check_addon(b"#!/bin/sh\necho not an addon\n", MAX_GLIBC).unwrap_err();
        assert!(err.to_string().contains("not an object file"), "{err}");
    }

    #[test]
    fn rejects_another_architecture() {
        let mut bytes = some_x86_64_elf();
        // e_machine (offset 18, little-endian) := EM_AARCH64.
        bytes[18..20].copy_from_slice(&183u16.to_le_bytes());
        let err = check_addon(&bytes, MAX_GLIBC).unwrap_err();
        assert!(err.to_string().contains("x86_64 only"), "{err}");
    }

    #[test]
    fn rejects_a_glibc_newer_than_allowed() {
        let bytes = some_x86_64_elf();
        let err = check_addon(&bytes, (2, 1)).unwrap_err();
        assert!(err.to_string().contains("needs GLIBC_2."), "{err}");
    }
}
