//! Deterministic zip archives: the same entries give the same bytes.
//!
//! - entries sorted by name (`/` separators);
//! - every timestamp the DOS epoch, 1980-01-01 00:00:00 (the zip format's
//!   earliest), and no extended-timestamp or Unix owner (uid/gid) extra
//!   fields, so no owner is recorded;
//! - a fixed mode per entry, written as Unix external attributes
//!   ("version made by" Unix): 0755 for executables, 0644 otherwise;
//! - deflate at level 9, from the zip crate version pinned in `Cargo.lock`.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Mode of an executable entry (`bootstrap`, a producer binary).
pub const EXECUTABLE_MODE: u32 = 0o755;
/// Mode of any other entry.
pub const FILE_MODE: u32 = 0o644;

/// One file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name in the archive (relative, `/` separators).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
    /// Unix permission bits: [`EXECUTABLE_MODE`] or [`FILE_MODE`].
    pub mode: u32,
}

impl Entry {
    /// An executable entry (0755).
    pub fn executable(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            bytes,
            mode: EXECUTABLE_MODE,
        }
    }

    /// A data entry (0644).
    pub fn file(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            bytes,
            mode: FILE_MODE,
        }
    }
}

/// Writes `entries` as a deterministic zip archive and returns its bytes.
///
/// # Errors
/// Two entries with one name, or a failure of the zip writer.
pub fn deterministic_zip(mut entries: Vec<Entry>) -> Result<Vec<u8>, String> {
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = entries.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(format!("two archive entries are named '{}'", pair[0].name));
    }
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for entry in &entries {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(9))
            .last_modified_time(DateTime::default())
            .unix_permissions(entry.mode)
            .large_file(false);
        writer
            .start_file(entry.name.as_str(), options)
            .map_err(|e| format!("cannot add '{}' to the archive: {e}", entry.name))?;
        writer
            .write_all(&entry.bytes)
            .map_err(|e| format!("cannot add '{}' to the archive: {e}", entry.name))?;
    }
    let cursor = writer
        .finish()
        .map_err(|e| format!("cannot finish the archive: {e}"))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive() -> Vec<Entry> {
        vec![
            Entry::file("taxi-trips.ndjson", b"{}\n".to_vec()),
            Entry::executable("bootstrap", b"\x7fELF...".to_vec()),
            Entry::file("data/b.txt", b"b".to_vec()),
        ]
    }

    #[test]
    fn the_same_entries_in_any_order_give_identical_bytes() {
        let a = deterministic_zip(archive()).unwrap();
        let mut reversed = archive();
        reversed.reverse();
        assert_eq!(a, deterministic_zip(reversed).unwrap());
    }

    #[test]
    fn modes_names_order_and_timestamps_are_fixed() {
        let bytes = deterministic_zip(archive()).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut seen = Vec::new();
        for i in 0..zip.len() {
            let file = zip.by_index(i).unwrap();
            // The external attributes carry the Unix mode with the file type bits.
            seen.push((
                file.name().to_owned(),
                file.unix_mode().unwrap() & 0o7777,
                file.unix_mode().unwrap() & 0o170000,
            ));
            let t = file.last_modified().unwrap();
            assert_eq!(
                (
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                ),
                (1980, 1, 1, 0, 0, 0)
            );
        }
        assert_eq!(
            seen,
            vec![
                ("bootstrap".to_owned(), 0o755, 0o100000),
                ("data/b.txt".to_owned(), 0o644, 0o100000),
                ("taxi-trips.ndjson".to_owned(), 0o644, 0o100000),
            ]
        );
    }

    #[test]
    fn a_duplicate_name_is_an_error() {
        let mut entries = archive();
        entries.push(Entry::file("bootstrap", Vec::new()));
        let err = deterministic_zip(entries).unwrap_err();
        assert!(err.contains("'bootstrap'"), "{err}");
    }
}
