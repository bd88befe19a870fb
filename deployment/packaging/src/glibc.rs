//! Which glibc a Linux binary needs: the newest `GLIBC_x.y` version it
//! references in its ELF version-needs section (`.gnu.version_r`, what
//! `readelf -V` shows). A binary runs only where the C library provides every
//! version it references, so the newest one is the floor.
//! Amazon Linux 2023 and the `provided.al2023` Lambda runtime ship glibc 2.34:
//! <https://docs.aws.amazon.com/linux/al2023/ug/core-glibc.html>.

use object::elf;
use object::read::elf::{FileHeader, SectionHeader};
use object::Endianness;

/// A glibc version, compared numerically (`2.9` < `2.34`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GlibcVersion(pub Vec<u32>);

impl GlibcVersion {
    /// Parses `2.34` (also `GLIBC_2.34`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.strip_prefix("GLIBC_").unwrap_or(text);
        let parts: Option<Vec<u32>> = text.split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty()).map(GlibcVersion)
    }
}

impl std::fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// The newest `GLIBC_*` version `binary` (the bytes of a 64-bit ELF file)
/// needs, or `None` for a static binary that needs none.
///
/// # Errors
/// The bytes are not a 64-bit ELF file, or its version sections are malformed.
pub fn newest_needed(binary: &[u8]) -> Result<Option<GlibcVersion>, String> {
    let header = elf::FileHeader64::<Endianness>::parse(binary)
        .map_err(|e| format!("not a 64-bit ELF file: {e}"))?;
    let endian = header
        .endian()
        .map_err(|e| format!("unreadable ELF header: {e}"))?;
    let sections = header
        .sections(endian, binary)
        .map_err(|e| format!("unreadable ELF sections: {e}"))?;
    let mut newest: Option<GlibcVersion> = None;
    for section in sections.iter() {
        if section.sh_type(endian) != elf::SHT_GNU_VERNEED {
            continue;
        }
        let Some((mut needs, link)) = section
            .gnu_verneed(endian, binary)
            .map_err(|e| format!("unreadable version needs: {e}"))?
        else {
            continue;
        };
        let strings = sections
            .strings(endian, binary, link)
            .map_err(|e| format!("unreadable version strings: {e}"))?;
        while let Some((_need, mut auxes)) = needs
            .next()
            .map_err(|e| format!("unreadable version needs: {e}"))?
        {
            while let Some(aux) = auxes
                .next()
                .map_err(|e| format!("unreadable version needs: {e}"))?
            {
                let name = aux
                    .name(endian, strings)
                    .map_err(|e| format!("unreadable version name: {e}"))?;
                let Ok(name) = std::str::from_utf8(name) else {
                    continue;
                };
                if let Some(version) = name.strip_prefix("GLIBC_").and_then(GlibcVersion::parse) {
                    if newest.as_ref().is_none_or(|n| version > *n) {
                        newest = Some(version);
                    }
                }
            }
        }
    }
    Ok(newest)
}

/// Checks that `binary` needs no glibc newer than `allowed`; returns the
/// newest it needs.
///
/// # Errors
/// A newer version is needed (the message names both and the fix), or the
/// file is not a readable ELF binary.
pub fn check(binary: &[u8], allowed: &GlibcVersion) -> Result<Option<GlibcVersion>, String> {
    let newest = newest_needed(binary)?;
    match &newest {
        Some(needed) if needed > allowed => Err(format!(
            "it needs glibc {needed}, newer than the {allowed} of the runtime it is built for (Amazon Linux 2023 and provided.al2023 ship glibc 2.34): build it with cargo-lambda for the target <triple>.{allowed}, which links with zig against that glibc"
        )),
        _ => Ok(newest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        let v = |s| GlibcVersion::parse(s).unwrap();
        assert!(v("2.9") < v("2.34"));
        assert!(v("GLIBC_2.2.5") < v("2.3"));
        assert_eq!(v("2.34").to_string(), "2.34");
        assert!(GlibcVersion::parse("2.x").is_none());
        assert!(GlibcVersion::parse("").is_none());
    }

    #[test]
    fn the_test_binary_itself_needs_a_glibc_and_an_old_floor_refuses_it() {
        // This test executable is built for the host (glibc 2.36 here), so it
        // references at least GLIBC_2.2.5, the x86_64 baseline.
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let newest = newest_needed(&exe).unwrap().expect("a dynamic binary");
        assert!(newest >= GlibcVersion::parse("2.2.5").unwrap(), "{newest}");
        let err = check(&exe, &GlibcVersion::parse("2.0").unwrap()).unwrap_err();
        assert!(err.contains(&format!("needs glibc {newest}")), "{err}");
        assert_eq!(check(&exe, &newest).unwrap(), Some(newest));
    }

    #[test]
    fn a_file_that_is_not_elf_is_an_error() {
        let err = newest_needed(b"#!/bin/sh\necho hi\n").unwrap_err();
        assert!(err.contains("not a 64-bit ELF file"), "{err}");
    }
}
