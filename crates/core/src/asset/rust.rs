//! Rust code assets: a Lambda handler or a producer executable built from a
//! crate of a Cargo workspace.
//!
//! Synth never builds and never spawns a process: it only hashes, so it stays
//! in milliseconds. The hash of a Rust asset covers everything the built
//! binary depends on, so changed code is never mistaken for an object that is
//! already uploaded:
//!
//! - the crate's folder (its sources, `Cargo.toml`, bundled data), as any
//!   folder asset (`target` and `.git` skipped);
//! - the part of `Cargo.lock` the crate resolves to: every package reachable
//!   from it, as name, version, source and checksum (not the whole file, so an
//!   unrelated dependency bump elsewhere in the workspace changes no key);
//! - the folder of every crate it depends on by path (workspace members
//!   included), found through that part of `Cargo.lock`;
//! - the target: the triple (from the asset's [`Architecture`]) and the glibc
//!   version the binary is linked against;
//! - the toolchain version, read from a file at the workspace root:
//!   `rust-toolchain.toml` (`[toolchain] channel`) or, where rustup cannot
//!   download toolchains (as on this project's build machines), the one-line
//!   `.rust-toolchain-version`. Only an exact version (`1.95.0`) is accepted: a
//!   channel name such as `stable` changes meaning without the file changing,
//!   so the hash could not see a new compiler. The packaging step refuses to
//!   build with any other `rustc`.
//! - the workspace's build settings: the root manifest's `[profile]` tables
//!   (`lto`, `opt-level`, `codegen-units`, `panic`... change the binary) and
//!   the workspace's `.cargo/config.toml` (or `.cargo/config`), whole. Cargo
//!   also reads configuration from the folders above the workspace and from
//!   `$CARGO_HOME`; those are outside the key, and the packaging step builds
//!   without the `RUSTFLAGS` and `CARGO_PROFILE_RELEASE_*` environment variables for
//!   the same reason (and applies the configuration's `rustflags` itself);
//! - the binary's name, how it is packaged, and the bundled files' names.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;

use super::Architecture;

/// The glibc version of the `provided.al2023` Lambda runtime and of Amazon
/// Linux 2023 (glibc 2.34): the newest a binary may need to run on both.
/// <https://docs.aws.amazon.com/linux/al2023/ug/core-glibc.html>
pub const AL2023_GLIBC: &str = "2.34";

/// Name of the one-line toolchain file read when there is no `rust-toolchain.toml`.
pub const TOOLCHAIN_VERSION_FILE: &str = ".rust-toolchain-version";

/// How a Rust binary is laid out in its zip archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RustPackaging {
    /// A Lambda handler for the OS-only runtime (`provided.al2023`): the
    /// binary is the archive's `bootstrap`, built with cargo-lambda.
    /// <https://docs.aws.amazon.com/lambda/latest/dg/rust-package.html>
    LambdaBootstrap,
    /// An executable for an instance: the binary keeps its name.
    Executable,
}

impl RustPackaging {
    /// The name used in the hash and the asset manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            RustPackaging::LambdaBootstrap => "lambda-bootstrap",
            RustPackaging::Executable => "executable",
        }
    }
}

/// A file of the crate shipped in the archive beside the binary (0644).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundledFile {
    /// The file, relative to the crate's folder.
    pub source: PathBuf,
    /// Its name in the archive (letters, digits, `._-` and `/`).
    pub name: String,
}

/// How a Rust asset is built: the binary, its packaging, the glibc floor and
/// the bundled files. Part of [`AssetSource`](super::AssetSource) for assets
/// made with [`AssetSource::rust_lambda`](super::AssetSource::rust_lambda) or
/// [`AssetSource::rust_executable`](super::AssetSource::rust_executable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustBuild {
    /// The binary target's name (`[[bin]] name`, by default the package's name).
    pub binary: String,
    /// The archive layout.
    pub packaging: RustPackaging,
    /// The newest glibc the binary may need. Default: [`AL2023_GLIBC`].
    pub glibc: String,
    /// Files shipped beside the binary. Default: none.
    pub bundled_files: Vec<BundledFile>,
}

/// The Rust target triple of an architecture (Linux, glibc).
pub fn target_triple(architecture: Architecture) -> &'static str {
    match architecture {
        Architecture::X86_64 => "x86_64-unknown-linux-gnu",
        Architecture::Arm64 => "aarch64-unknown-linux-gnu",
    }
}

/// What synth found out about a Rust asset's crate (written to the manifest
/// for the packaging step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedRust {
    /// The workspace root: the folder holding `Cargo.lock`.
    pub workspace_root: PathBuf,
    /// The package's name.
    pub package: String,
    /// The toolchain version from the workspace's toolchain file.
    pub toolchain: String,
    /// The workspace's build settings (see [`read_build_settings`]); empty
    /// when it has none.
    pub build_settings: String,
    /// `name version source checksum` of every package the crate resolves
    /// to, sorted, one per line (joined once: only the asset hash reads it;
    /// shared by the copies a shared-hash call keeps).
    pub lock_entries: Arc<str>,
    /// Path dependencies (name, folder), sorted by name; the crate itself excluded.
    pub path_dependencies: Vec<(String, PathBuf)>,
}

/// A byte range of a [`LockFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// A lock file's packages, each value kept as a place in one text rather
/// than as a `String` of its own: a workspace's lock has hundreds of
/// packages, and their strings were most of what resolving a Rust asset
/// allocated (and most of its page faults).
#[derive(Debug)]
struct LockFile {
    /// The text the spans point into: the file's own when cargo's layout
    /// was scanned ([`scan_lock`]), or the values a TOML parse found, laid
    /// end to end ([`LockFile::from_parsed`]).
    text: Arc<String>,
    package: Vec<LockPackage>,
    /// Every package's dependency entries (`name`, `name version` or
    /// `name version (source)`), each package's a run of them.
    dependency_entries: Vec<Span>,
    /// Each package's index with its name's hash, sorted by hash (in file
    /// order among equal hashes), built on first use and shared by every
    /// closure computed on this lock: a name is found by a binary search
    /// over integers, then confirmed by comparing names.
    by_name: OnceLock<Vec<(u64, usize)>>,
    /// Each package's place in the order of its entry line's text
    /// ([`LockFile::entry_parts`] joined by spaces), packages with the same
    /// line sharing one: a closure's lines are sorted and deduplicated by
    /// these integers. Built on first use.
    line_ranks: OnceLock<Vec<usize>>,
    /// The package each dependency entry names (aligned with
    /// `dependency_entries`; `None` when the lock defines no such package),
    /// resolved on first use and shared by every closure computed on this
    /// lock.
    dependency_targets: OnceLock<Vec<Option<usize>>>,
}

#[derive(Debug, Clone, Copy)]
struct LockPackage {
    name: Span,
    version: Span,
    source: Option<Span>,
    checksum: Option<Span>,
    /// This package's run of [`LockFile::dependency_entries`] (start, end).
    dependencies: (usize, usize),
}

/// A lock file as a TOML parse reads it (any layout cargo accepts), turned
/// into a [`LockFile`] by [`LockFile::from_parsed`].
#[derive(Debug, Deserialize)]
struct ParsedLock {
    #[serde(default)]
    package: Vec<ParsedPackage>,
}

#[derive(Debug, Deserialize)]
struct ParsedPackage {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

impl LockFile {
    /// The text at `span`.
    fn str(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// A parsed lock's values laid end to end in one text.
    fn from_parsed(parsed: ParsedLock) -> LockFile {
        fn push(text: &mut String, value: &str) -> Span {
            let start = text.len();
            text.push_str(value);
            Span {
                start,
                end: text.len(),
            }
        }
        let mut text = String::new();
        let mut dependency_entries = Vec::new();
        let package = parsed
            .package
            .iter()
            .map(|p| {
                let first = dependency_entries.len();
                for dep in &p.dependencies {
                    dependency_entries.push(push(&mut text, dep));
                }
                LockPackage {
                    name: push(&mut text, &p.name),
                    version: push(&mut text, &p.version),
                    source: p.source.as_deref().map(|s| push(&mut text, s)),
                    checksum: p.checksum.as_deref().map(|s| push(&mut text, s)),
                    dependencies: (first, dependency_entries.len()),
                }
            })
            .collect();
        LockFile {
            text: Arc::new(text),
            package,
            dependency_entries,
            by_name: OnceLock::new(),
            line_ranks: OnceLock::new(),
            dependency_targets: OnceLock::new(),
        }
    }

    fn name_hash(name: &str) -> u64 {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::with_seed(0).hash_one(name)
    }

    fn by_name(&self) -> &[(u64, usize)] {
        self.by_name.get_or_init(|| {
            let mut order: Vec<(u64, usize)> = (self.package.iter().enumerate())
                .map(|(i, p)| (Self::name_hash(self.str(p.name)), i))
                .collect();
            order.sort_unstable();
            order
        })
    }

    /// The indexes of the packages named `name`, in file order.
    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        let order = self.by_name();
        let hash = Self::name_hash(name);
        let first = order.partition_point(|&(h, _)| h < hash);
        order[first..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, i)| i)
            .filter(move |&i| self.str(self.package[i].name) == name)
    }

    /// See [`LockFile::line_ranks`].
    fn line_ranks(&self) -> &[usize] {
        self.line_ranks.get_or_init(|| {
            let lines: Vec<[&str; 4]> = (0..self.package.len())
                .map(|i| self.entry_parts(i))
                .collect();
            let mut order: Vec<usize> = (0..lines.len()).collect();
            order.sort_unstable_by(|&a, &b| cmp_joined(lines[a], lines[b]));
            let mut ranks = vec![0; lines.len()];
            for place in 1..order.len() {
                let (previous, i) = (order[place - 1], order[place]);
                let same_line = cmp_joined(lines[previous], lines[i]).is_eq();
                ranks[i] = if same_line { ranks[previous] } else { place };
            }
            ranks
        })
    }

    /// The index of the package a dependency entry names: `name`,
    /// `name version` or `name version (source)`.
    fn find(&self, spec: &str) -> Option<usize> {
        // Split at the first two spaces by byte loops: the entries are
        // short, and a `str` searcher per entry cost more than the lookups.
        fn split_space(text: &str) -> (&str, Option<&str>) {
            match text.bytes().position(|b| b == b' ') {
                Some(at) => (&text[..at], Some(&text[at + 1..])),
                None => (text, None),
            }
        }
        let (name, rest) = split_space(spec);
        let (version, source) = match rest.map(split_space) {
            Some((version, source)) => (Some(version), source),
            None => (None, None),
        };
        let source = source.map(|s| s.trim_start_matches('(').trim_end_matches(')'));
        self.named(name).find(|&i| {
            let p = &self.package[i];
            version.is_none_or(|v| self.str(p.version) == v)
                && source.is_none_or(|s| p.source.map(|at| self.str(at)) == Some(s))
        })
    }

    fn dependency_targets(&self) -> &[Option<usize>] {
        self.dependency_targets.get_or_init(|| {
            self.dependency_entries
                .iter()
                .map(|&entry| self.find(self.str(entry)))
                .collect()
        })
    }

    /// A package's line in an asset's lock entries: `name version source
    /// checksum` (`path` for a package without a source, `-` without a
    /// checksum), as its four parts.
    fn entry_parts(&self, i: usize) -> [&str; 4] {
        let p = &self.package[i];
        [
            self.str(p.name),
            self.str(p.version),
            p.source.map_or("path", |s| self.str(s)),
            p.checksum.map_or("-", |s| self.str(s)),
        ]
    }
}

/// How two entries' lines compare as the texts `parts.join(" ")` (the
/// order the asset hash has always sorted them in), without building the
/// texts: part by part, and where one part is a prefix of the other, by the
/// separating space against the longer part's next byte.
fn cmp_joined(a: [&str; 4], b: [&str; 4]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    for k in 0..4 {
        let (x, y) = (a[k].as_bytes(), b[k].as_bytes());
        let common = x.len().min(y.len());
        match x[..common].cmp(&y[..common]) {
            Ordering::Equal if x.len() == y.len() => continue,
            Ordering::Equal => {}
            unequal => return unequal,
        }
        let a_is_shorter = x.len() < y.len();
        if k == 3 {
            // The shorter line ends here.
            return if a_is_shorter {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let longer_next = if a_is_shorter { y[common] } else { x[common] };
        return match b' '.cmp(&longer_next) {
            // A space inside a part (never in cargo's lock files): compare
            // the texts themselves.
            Ordering::Equal => a.join(" ").cmp(&b.join(" ")),
            order if a_is_shorter => order,
            order => order.reverse(),
        };
    }
    Ordering::Equal
}

/// Files parsed once per content: for each path, the text last read from it
/// and its parsed form, reused while a new read gives the same text (a byte
/// comparison: a modification time may not change between two quick
/// writes). Several assets of one process (one per pattern) read the same
/// lock file and manifests, and parsing them is most of resolving a Rust
/// asset. Inside one [`with_shared_asset_hashes`](super::with_shared_asset_hashes)
/// call, where files are taken not to change, a file read in that call is
/// not read again.
struct ParsedFiles<T>(OnceLock<Mutex<HashMap<PathBuf, LastRead<T>>>>);

/// The text last read from a path, its parsed form (which may keep the
/// text too: a lock file's values are places in it), and the shared-hash
/// call it was read in, if any.
type LastRead<T> = (Arc<String>, Arc<T>, Option<u64>);

impl<T> ParsedFiles<T> {
    const fn new() -> Self {
        Self(OnceLock::new())
    }

    /// The file at `path`, parsed by `parse` unless its text is the one
    /// parsed last time.
    fn read(
        &self,
        path: &Path,
        parse: impl FnOnce(&Arc<String>) -> Result<T, String>,
    ) -> Result<Arc<T>, String> {
        let scope = super::shared_scope_id();
        // Held while reading and parsing: threads reading the same file
        // (assets built on several threads) parse it once, the others
        // waiting for it.
        let mut files = self
            .0
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((_, parsed, Some(read_in))) = files.get(path) {
            if scope == Some(*read_in) {
                return Ok(parsed.clone());
            }
        }
        // Compared as bytes: UTF-8 is checked only for a text parsed anew.
        let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if let Some((seen, parsed, read_in)) = files.get_mut(path) {
            if seen.as_bytes() == bytes {
                *read_in = scope;
                return Ok(parsed.clone());
            }
        }
        let text = Arc::new(
            String::from_utf8(bytes)
                .map_err(|e| format!("cannot read {}: {}", path.display(), e.utf8_error()))?,
        );
        let parsed = Arc::new(parse(&text)?);
        files.insert(path.to_path_buf(), (text, parsed.clone(), scope));
        Ok(parsed)
    }
}

fn read_lock(path: &Path) -> Result<Arc<LockFile>, String> {
    static LOCKS: ParsedFiles<LockFile> = ParsedFiles::new();
    LOCKS.read(path, |text| match scan_lock(text) {
        Some(lock) => Ok(lock),
        None => toml::from_str(text)
            .map(LockFile::from_parsed)
            .map_err(|e| format!("{} is not a Cargo lock file: {e}", path.display())),
    })
}

/// Reads a lock file in the layout cargo writes (`[[package]]` tables of
/// `key = "value"` lines and a `dependencies` list, one quoted entry per
/// line), about ten times faster than a general TOML parse, which is most of
/// a Rust asset's synth time. Anything else in the file (a hand edit, another
/// layout) gives `None`, and the caller parses it as TOML instead.
fn scan_lock(text: &Arc<String>) -> Option<LockFile> {
    let base = text.as_ptr() as usize;
    // The place of `part` (a slice of `text`) in `text`.
    let span = |part: &str| {
        let start = part.as_ptr() as usize - base;
        Span {
            start,
            end: start + part.len(),
        }
    };
    let quoted = |value: &str| -> Option<Span> {
        let inner = value.strip_prefix('"')?.strip_suffix('"')?;
        // A byte loop for short values (names, versions): `memchr`'s setup
        // costs more than the few bytes it would skip; it wins on checksums
        // and sources.
        let plain = if inner.len() < 24 {
            !inner.bytes().any(|b| b == b'"' || b == b'\\')
        } else {
            memchr::memchr2(b'"', b'\\', inner.as_bytes()).is_none()
        };
        plain.then(|| span(inner))
    };
    #[derive(Default)]
    struct Partial {
        name: Option<Span>,
        version: Option<Span>,
        source: Option<Span>,
        checksum: Option<Span>,
        first_dependency: usize,
    }
    let finish = |p: Partial, dependencies_end: usize| -> Option<LockPackage> {
        Some(LockPackage {
            name: p.name?,
            version: p.version?,
            source: p.source,
            checksum: p.checksum,
            dependencies: (p.first_dependency, dependencies_end),
        })
    };
    // Cargo's layout takes about 250 bytes per package; sized for 240, so
    // the list is allocated once instead of grown (each growth copies
    // every package so far). Dependency entries take about 30 bytes each.
    let mut packages = Vec::with_capacity(text.len() / 240 + 1);
    let mut dependency_entries = Vec::with_capacity(text.len() / 30 + 1);
    let mut current: Option<Partial> = None;
    let mut in_dependencies = false;
    // Lines found by `memchr` (SIMD): `str::lines` sets up a general
    // searcher per line, and a byte loop was most of the scan.
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
        let line = rest[..end].trim_end();
        rest = rest.get(end + 1..).unwrap_or("");
        if in_dependencies {
            if line == "]" {
                in_dependencies = false;
            } else {
                let entry = line.strip_prefix(' ')?.strip_suffix(',')?;
                current.as_ref()?;
                dependency_entries.push(quoted(entry)?);
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[package]]" {
            if let Some(done) = current.take() {
                packages.push(finish(done, dependency_entries.len())?);
            }
            current = Some(Partial {
                first_dependency: dependency_entries.len(),
                ..Partial::default()
            });
            continue;
        }
        // `key = value` (a byte search: a substring searcher per line cost
        // more than the rest of the scan).
        let equals = line.bytes().position(|b| b == b'=')?;
        let key = line[..equals].strip_suffix(' ')?;
        let value = line[equals + 1..].strip_prefix(' ')?;
        match (current.as_mut(), key) {
            (None, "version") => {}
            (Some(p), "name") => p.name = Some(quoted(value)?),
            (Some(p), "version") => p.version = Some(quoted(value)?),
            (Some(p), "source") => p.source = Some(quoted(value)?),
            (Some(p), "checksum") => p.checksum = Some(quoted(value)?),
            // One list per package (a second is not cargo's layout).
            (Some(p), "dependencies")
                if value == "[" && p.first_dependency == dependency_entries.len() =>
            {
                in_dependencies = true
            }
            _ => return None,
        }
    }
    if in_dependencies {
        return None;
    }
    if let Some(done) = current.take() {
        packages.push(finish(done, dependency_entries.len())?);
    }
    Some(LockFile {
        text: Arc::clone(text),
        package: packages,
        dependency_entries,
        by_name: OnceLock::new(),
        line_ranks: OnceLock::new(),
        dependency_targets: OnceLock::new(),
    })
}

/// Reads a manifest, parsed once per content in this process (every Rust
/// asset of a workspace reads the same member manifests).
fn read_toml(path: &Path) -> Result<Arc<toml::Table>, String> {
    static MANIFESTS: ParsedFiles<toml::Table> = ParsedFiles::new();
    MANIFESTS.read(path, |text| {
        text.parse::<toml::Table>()
            .map_err(|e| format!("{} is not valid TOML: {e}", path.display()))
    })
}

fn package_name(manifest: &toml::Table, path: &Path) -> Result<String, String> {
    manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{} has no [package] name", path.display()))
}

/// The nearest folder at or above `crate_dir` holding a `Cargo.lock`.
fn find_workspace_root(crate_dir: &Path) -> Result<PathBuf, String> {
    let mut dir = Some(crate_dir);
    while let Some(d) = dir {
        if d.join("Cargo.lock").is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(format!(
        "no Cargo.lock in {} or any folder above it: run `cargo generate-lockfile` in the workspace, since the asset's hash covers the locked dependency versions",
        crate_dir.display()
    ))
}

/// Reads the exact toolchain version pinned at the workspace root.
fn read_toolchain(root: &Path) -> Result<String, String> {
    let toml_path = root.join("rust-toolchain.toml");
    let (version, from) = if toml_path.is_file() {
        let table = read_toml(&toml_path)?;
        let channel = table
            .get("toolchain")
            .and_then(|t| t.get("channel"))
            .and_then(|c| c.as_str())
            .ok_or_else(|| format!("{} has no [toolchain] channel", toml_path.display()))?;
        (channel.to_owned(), toml_path)
    } else {
        let plain = root.join(TOOLCHAIN_VERSION_FILE);
        let text = fs::read_to_string(&plain).map_err(|_| {
            format!(
                "a Rust asset's hash covers the toolchain version, and neither {} nor {} exists: write the `rustc --version` number (e.g. 1.95.0) into one of them",
                toml_path.display(),
                plain.display()
            )
        })?;
        (text.trim().to_owned(), plain)
    };
    let exact = version.split('.').count() == 3
        && version
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if !exact {
        return Err(format!(
            "{} pins '{version}', and a Rust asset needs an exact version such as 1.95.0: a channel name changes meaning without the file changing, so the asset hash would not see a new compiler",
            from.display()
        ));
    }
    Ok(version)
}

/// Folders of the workspace's crates by package name, searched until every
/// name in `needed` is found: first `start` and the path dependencies reached
/// from it (where a crate's path dependencies usually are), then the
/// workspace's members (a trailing `/*` glob is expanded) and the path
/// entries of `[workspace.dependencies]`, with what they reach. Stopping
/// early spares reading and parsing every member's manifest for each Rust
/// asset.
fn path_crates(root: &Path, start: &Path, needed: &BTreeSet<String>) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut seen = BTreeSet::new();
    search_path_crates(vec![start.to_path_buf()], needed, &mut found, &mut seen);
    if needed.iter().all(|name| found.contains_key(name)) {
        return found;
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    let workspace = read_toml(&root.join("Cargo.toml")).ok();
    if let Some(ws) = workspace.as_ref().and_then(|t| t.get("workspace")) {
        for member in ws
            .get("members")
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str())
        {
            if let Some(parent) = member.strip_suffix("/*") {
                if let Ok(entries) = fs::read_dir(root.join(parent)) {
                    candidates.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
                }
            } else {
                candidates.push(root.join(member));
            }
        }
        if let Some(deps) = ws.get("dependencies").and_then(|d| d.as_table()) {
            candidates.extend(
                deps.values()
                    .filter_map(|d| d.get("path").and_then(|p| p.as_str()))
                    .map(|p| root.join(p)),
            );
        }
    }
    search_path_crates(candidates, needed, &mut found, &mut seen);
    found
}

/// Reads the manifests of `candidates` and of the path dependencies they
/// reach (depth first), recording each package's folder, until every name in
/// `needed` is in `found`.
fn search_path_crates(
    mut candidates: Vec<PathBuf>,
    needed: &BTreeSet<String>,
    found: &mut BTreeMap<String, PathBuf>,
    seen: &mut BTreeSet<PathBuf>,
) {
    while let Some(dir) = candidates.pop() {
        if needed.iter().all(|name| found.contains_key(name)) {
            return;
        }
        let dir = fs::canonicalize(&dir).unwrap_or(dir);
        if !seen.insert(dir.clone()) {
            continue;
        }
        let manifest_path = dir.join("Cargo.toml");
        let Ok(manifest) = read_toml(&manifest_path) else {
            continue;
        };
        if let Ok(name) = package_name(&manifest, &manifest_path) {
            found.entry(name).or_insert_with(|| dir.clone());
        }
        for section in ["dependencies", "build-dependencies", "dev-dependencies"] {
            let tables = std::iter::once(manifest.get(section)).chain(
                manifest
                    .get("target")
                    .and_then(|t| t.as_table())
                    .into_iter()
                    .flat_map(|t| t.values())
                    .map(move |t| t.get(section)),
            );
            for deps in tables.flatten().filter_map(|d| d.as_table()) {
                candidates.extend(
                    deps.values()
                        .filter_map(|d| d.get("path").and_then(|p| p.as_str()))
                        .map(|p| dir.join(p)),
                );
            }
        }
    }
}

/// Resolves a Rust crate: workspace root, package, toolchain, the part of the
/// lock file it resolves to, and its path dependencies.
pub(crate) fn resolve(crate_dir: &Path) -> Result<ResolvedRust, String> {
    let crate_dir = fs::canonicalize(crate_dir).map_err(|e| {
        format!(
            "cannot read the Rust crate folder {}: {e}",
            crate_dir.display()
        )
    })?;
    let manifest_path = crate_dir.join("Cargo.toml");
    let manifest = read_toml(&manifest_path)?;
    let package = package_name(&manifest, &manifest_path)?;
    let root = find_workspace_root(&crate_dir)?;
    let toolchain = read_toolchain(&root)?;
    let build_settings = read_build_settings(&root)?;
    let lock = read_lock(&root.join("Cargo.lock"))?;

    closure(
        &crate_dir,
        &manifest_path,
        package,
        root,
        toolchain,
        build_settings,
        &lock,
    )
}

/// The workspace's build settings that change a binary without changing its
/// sources or the lock: the root manifest's `[profile]` tables, rendered
/// canonically (sorted keys, so reformatting the manifest or editing its
/// member list changes nothing), and the text of `.cargo/config.toml` (or
/// the older `.cargo/config`) at the workspace root.
/// <https://doc.rust-lang.org/cargo/reference/profiles.html>,
/// <https://doc.rust-lang.org/cargo/reference/config.html>
///
/// # Errors
/// A root manifest that is not TOML, or an unreadable configuration file.
/// The cargo configuration files of a workspace folder, in cargo's order of
/// preference: when both exist, cargo reads `.cargo/config` (the name before
/// the `.toml` extension was supported) and warns.
/// <https://doc.rust-lang.org/cargo/reference/config.html#hierarchical-structure>
pub const CARGO_CONFIG_FILES: [&str; 2] = [".cargo/config", ".cargo/config.toml"];

fn read_build_settings(root: &Path) -> Result<String, String> {
    let mut settings = String::new();
    let manifest = root.join("Cargo.toml");
    if manifest.is_file() {
        if let Some(profile) = read_toml(&manifest)?.get("profile") {
            settings.push_str("profile ");
            render_toml(profile, &mut settings);
            settings.push('\n');
        }
    }
    // Both, when both exist: either may be the one a build reads.
    for name in CARGO_CONFIG_FILES {
        let path = root.join(name);
        if path.is_file() {
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            settings.push_str(name);
            settings.push(' ');
            settings.push_str(&text);
            settings.push('\n');
        }
    }
    Ok(settings)
}

/// A TOML value in one canonical form: tables with sorted keys (the table
/// type is ordered by key), strings in their `Debug` quoting.
fn render_toml(value: &toml::Value, out: &mut String) {
    use std::fmt::Write;
    match value {
        toml::Value::String(s) => {
            let _ = write!(out, "{s:?}");
        }
        toml::Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        toml::Value::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        toml::Value::Boolean(b) => {
            let _ = write!(out, "{b}");
        }
        toml::Value::Datetime(d) => {
            let _ = write!(out, "{d}");
        }
        toml::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render_toml(item, out);
            }
            out.push(']');
        }
        toml::Value::Table(table) => {
            out.push('{');
            for (i, (key, item)) in table.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{key:?}=");
                render_toml(item, out);
            }
            out.push('}');
        }
    }
}

/// The part of the lock file `package` resolves to, and its path dependencies.
fn closure(
    crate_dir: &Path,
    manifest_path: &Path,
    package: String,
    root: PathBuf,
    toolchain: String,
    build_settings: String,
    lock: &LockFile,
) -> Result<ResolvedRust, String> {
    let root_package = lock
        .named(package.as_str())
        .find(|&i| lock.package[i].source.is_none())
        .ok_or_else(|| {
            format!(
                "package '{package}' is not in {}: run `cargo generate-lockfile` (or any cargo build) so the lock file covers it",
                root.join("Cargo.lock").display()
            )
        })?;

    // A walk over package indexes: each dependency entry was resolved to
    // its package once per lock, not once per crate.
    let targets = lock.dependency_targets();
    let mut reached = vec![false; lock.package.len()];
    let mut stack = vec![root_package];
    // The packages reached, then sorted by their lines and deduplicated
    // once (cheaper than a set), the lines written only into the result.
    let mut entries = Vec::new();
    let mut path_names = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        let p = &lock.package[i];
        entries.push(i);
        let name = lock.str(p.name);
        if p.source.is_none() && name != package {
            path_names.insert(name.to_owned());
        }
        let (first, end) = p.dependencies;
        for (entry, target) in lock.dependency_entries[first..end]
            .iter()
            .zip(&targets[first..end])
        {
            match *target {
                Some(d) if !reached[d] => stack.push(d),
                Some(_) => {}
                None => {
                    return Err(format!(
                        "{} lists dependency '{}' of '{name}' that it does not define: regenerate it with cargo",
                        root.join("Cargo.lock").display(),
                        lock.str(*entry)
                    ))
                }
            }
        }
    }
    let ranks = lock.line_ranks();
    entries.sort_unstable_by_key(|&i| ranks[i]);
    entries.dedup_by_key(|i| ranks[*i]);
    let mut lock_entries = String::with_capacity(
        entries
            .iter()
            .map(|&i| {
                lock.entry_parts(i)
                    .iter()
                    .map(|part| part.len() + 1)
                    .sum::<usize>()
            })
            .sum(),
    );
    for (n, &i) in entries.iter().enumerate() {
        if n > 0 {
            lock_entries.push('\n');
        }
        for (k, part) in lock.entry_parts(i).into_iter().enumerate() {
            if k > 0 {
                lock_entries.push(' ');
            }
            lock_entries.push_str(part);
        }
    }

    let mut path_dependencies = Vec::new();
    if !path_names.is_empty() {
        let dirs = path_crates(&root, crate_dir, &path_names);
        for name in path_names {
            let dir = dirs.get(&name).ok_or_else(|| {
                format!(
                    "'{package}' depends on the path crate '{name}', and its folder is neither a workspace member nor a path dependency reachable from {}",
                    manifest_path.display()
                )
            })?;
            path_dependencies.push((name, dir.clone()));
        }
    }

    Ok(ResolvedRust {
        workspace_root: root,
        package,
        toolchain,
        build_settings,
        lock_entries: lock_entries.into(),
        path_dependencies,
    })
}

/// Checks a bundled file's archive name: relative, no `..`, a safe alphabet.
pub(crate) fn check_archive_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && !name.starts_with('/')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "bundled file name '{name}' must be a relative path of letters, digits and ._-/ without '..'"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Architecture, AssetSource};
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    const LOCK: &str = r#"version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "helper",
 "serde 1.0.1",
]

[[package]]
name = "helper"
version = "0.1.0"

[[package]]
name = "serde"
version = "1.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "aaaa"

[[package]]
name = "serde"
version = "0.9.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "bbbb"

[[package]]
name = "unrelated"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "cccc"
dependencies = [
 "serde 0.9.0",
]
"#;

    /// A workspace with `app` (depending on the path crate `helper` and on
    /// serde 1.0.1) and an unrelated locked package.
    fn workspace(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!(
            "streamcdk-rust-asset-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&root);
        for dir in ["app/src", "helper/src", "app/target/release"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\"]\n",
        )
        .unwrap();
        fs::write(root.join("Cargo.lock"), LOCK).unwrap();
        fs::write(root.join(".rust-toolchain-version"), "1.95.0\n").unwrap();
        fs::write(
            root.join("app/Cargo.toml"),
            "[package]\nname = \"app\"\n[dependencies]\nhelper = { path = \"../helper\" }\nserde = \"1\"\n",
        )
        .unwrap();
        fs::write(root.join("app/src/main.rs"), "fn main() {}\n").unwrap();
        fs::write(root.join("app/target/release/app"), "built").unwrap();
        fs::write(
            root.join("helper/Cargo.toml"),
            "[package]\nname = \"helper\"\n",
        )
        .unwrap();
        fs::write(root.join("helper/src/lib.rs"), "pub fn f() {}\n").unwrap();
        root
    }

    fn hash(root: &Path) -> Result<String, String> {
        AssetSource::rust_lambda(root.join("app"), "app").content_hash()
    }

    fn edit(path: PathBuf, from: &str, to: &str) {
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from} not in {}", path.display());
        fs::write(&path, text.replace(from, to)).unwrap();
    }

    #[test]
    fn dependency_entries_find_their_package_by_name_version_and_source() {
        let lock = super::scan_lock(&Arc::new(LOCK.to_owned())).expect("cargo's layout");
        let name_of = |spec: &str| {
            lock.find(spec).map(|i| {
                let p = &lock.package[i];
                format!("{} {}", lock.str(p.name), lock.str(p.version))
            })
        };
        assert_eq!(name_of("helper").as_deref(), Some("helper 0.1.0"));
        assert_eq!(name_of("serde 1.0.1").as_deref(), Some("serde 1.0.1"));
        assert_eq!(name_of("serde 0.9.0").as_deref(), Some("serde 0.9.0"));
        assert_eq!(
            name_of("serde 0.9.0 (registry+https://github.com/rust-lang/crates.io-index)")
                .as_deref(),
            Some("serde 0.9.0")
        );
        assert_eq!(name_of("serde 0.9.0 (git+https://example.com/serde)"), None);
        assert_eq!(name_of("serde 2.0.0"), None);
        assert_eq!(name_of("missing"), None);
    }

    /// Inside one shared-hash call a lock file is read once (files are
    /// taken not to change there); outside, or in the next call, an edit is
    /// seen.
    #[test]
    fn a_lock_file_is_read_once_per_shared_call() {
        let root = workspace("read-once");
        let lock = root.join("Cargo.lock");
        let edit_lock = |from: &str, to: &str| edit(lock.clone(), from, to);
        let name_of_first = || {
            let parsed = super::read_lock(&lock).unwrap();
            parsed.str(parsed.package[0].name).to_owned()
        };
        super::super::with_shared_asset_hashes(|| {
            assert_eq!(name_of_first(), "app");
            edit_lock("name = \"app\"", "name = \"app2\"");
            assert_eq!(name_of_first(), "app", "read again inside the call");
        });
        assert_eq!(name_of_first(), "app2", "the edit is seen outside");
        super::super::with_shared_asset_hashes(|| {
            edit_lock("name = \"app2\"", "name = \"app3\"");
            assert_eq!(name_of_first(), "app3", "a new call reads afresh");
        });
    }

    /// Lines sorted part by part come out in the order of their texts
    /// (the order the asset hash has always used), including names that
    /// are prefixes of others, bytes on either side of the separating
    /// space, and parts holding a space themselves.
    #[test]
    fn entry_lines_compare_as_their_texts() {
        let parts = [
            ["serde", "1.0.1", "registry+x", "aa"],
            ["serde", "1.0.1", "registry+x", "aab"],
            ["serde", "1.0.1", "registry+x", "a"],
            ["serde_json", "1.0.1", "registry+x", "aa"],
            ["serde-x", "1.0.1", "registry+x", "aa"],
            ["serde", "1.0", "registry+x", "aa"],
            ["serde", "1.0.10", "path", "-"],
            ["serde", "1.0.1", "path", "-"],
            ["serde", "1.0.1", "path+", "-"],
            ["serd", "e 1.0.1", "path", "-"],
            ["serde 1.0.1", "", "path", "-"],
            ["serde", "1.0.1!", "path", "-"],
            ["serde", "1.0.1\u{1f}", "path", "-"],
            ["", "", "", ""],
            ["a", "", "", ""],
        ];
        for a in parts {
            for b in parts {
                assert_eq!(
                    super::cmp_joined(a, b),
                    a.join(" ").cmp(&b.join(" ")),
                    "{a:?} against {b:?}"
                );
            }
        }
    }

    #[test]
    fn the_lock_scanner_reads_what_toml_reads_and_gives_way_on_anything_else() {
        // The workspace's own lock file, as cargo writes it.
        let text =
            fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock"))
                .unwrap();
        let scanned = super::scan_lock(&Arc::new(text.clone())).expect("cargo's layout is scanned");
        let parsed = super::LockFile::from_parsed(toml::from_str(&text).unwrap());
        assert_eq!(scanned.package.len(), parsed.package.len());
        assert_eq!(
            scanned.dependency_entries.len(),
            parsed.dependency_entries.len()
        );
        // Every value, read back through its span.
        let values = |lock: &super::LockFile, i: usize| {
            let p = &lock.package[i];
            let (first, end) = p.dependencies;
            (
                lock.str(p.name).to_owned(),
                lock.str(p.version).to_owned(),
                p.source.map(|s| lock.str(s).to_owned()),
                p.checksum.map(|s| lock.str(s).to_owned()),
                lock.dependency_entries[first..end]
                    .iter()
                    .map(|&d| lock.str(d).to_owned())
                    .collect::<Vec<_>>(),
            )
        };
        for i in 0..scanned.package.len() {
            assert_eq!(values(&scanned, i), values(&parsed, i));
        }
        assert!(values(&scanned, 0).0.len() > 1);
        let scanned = super::scan_lock(&Arc::new(LOCK.to_owned())).expect("the test lock");
        assert_eq!(scanned.package.len(), 5);
        assert_eq!(
            values(&scanned, 0),
            (
                "app".to_owned(),
                "0.1.0".to_owned(),
                None,
                None,
                vec!["helper".to_owned(), "serde 1.0.1".to_owned()]
            )
        );
        // Layouts cargo does not write fall back to the TOML parser.
        for other in [
            "[[package]]\nname = 'single'\nversion = \"1\"\n",
            "[[package]]\nname = \"inline\"\nversion = \"1\"\ndependencies = [\"a\"]\n",
            "[[package]]\nname = \"x\"\nversion = \"1\"\n[metadata]\nfoo = \"bar\"\n",
            "[[package]]\nversion = \"1\"\n",
        ] {
            assert!(
                super::scan_lock(&Arc::new(other.to_owned())).is_none(),
                "{other}"
            );
        }
    }

    #[test]
    fn the_same_sources_in_another_folder_give_the_same_key() {
        assert_eq!(
            hash(&workspace("a")).unwrap(),
            hash(&workspace("b")).unwrap()
        );
    }

    #[test]
    fn an_unrelated_lock_entry_does_not_change_the_key_but_a_resolved_one_does() {
        let root = workspace("lock");
        let before = hash(&root).unwrap();
        edit(
            root.join("Cargo.lock"),
            "checksum = \"cccc\"",
            "checksum = \"dddd\"",
        );
        edit(
            root.join("Cargo.lock"),
            "version = \"0.9.0\"",
            "version = \"0.9.1\"",
        );
        edit(
            root.join("Cargo.lock"),
            "\"serde 0.9.0\"",
            "\"serde 0.9.1\"",
        );
        assert_eq!(before, hash(&root).unwrap());
        edit(
            root.join("Cargo.lock"),
            "checksum = \"aaaa\"",
            "checksum = \"abab\"",
        );
        assert_ne!(before, hash(&root).unwrap());
    }

    #[test]
    fn sources_path_dependencies_toolchain_target_and_glibc_change_the_key() {
        let root = workspace("inputs");
        let base = hash(&root).unwrap();
        // The build output below the crate is not a source.
        fs::write(root.join("app/target/release/app"), "rebuilt").unwrap();
        assert_eq!(base, hash(&root).unwrap());

        fs::write(root.join("helper/src/lib.rs"), "pub fn g() {}\n").unwrap();
        let after_helper = hash(&root).unwrap();
        assert_ne!(base, after_helper);

        fs::write(root.join(".rust-toolchain-version"), "1.96.0\n").unwrap();
        let after_toolchain = hash(&root).unwrap();
        assert_ne!(after_helper, after_toolchain);

        let app = root.join("app");
        let arm = AssetSource::rust_lambda(&app, "app")
            .with_architecture(Architecture::Arm64)
            .content_hash()
            .unwrap();
        let glibc = AssetSource::rust_lambda(&app, "app")
            .with_glibc("2.26")
            .content_hash()
            .unwrap();
        let executable = AssetSource::rust_executable(&app, "app")
            .content_hash()
            .unwrap();
        let keys = [after_toolchain, arm, glibc, executable];
        let distinct: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "{keys:?}");
    }

    #[test]
    fn the_workspace_profile_and_cargo_config_change_the_key_but_its_member_list_does_not() {
        let root = workspace("settings");
        let base = hash(&root).unwrap();
        // The member list and formatting of the root manifest build the same binary.
        fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\", \"helper\"]\n",
        )
        .unwrap();
        assert_eq!(base, hash(&root).unwrap());

        // A release profile changes the binary: link-time optimization here.
        fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\"]\n\n[profile.release]\nlto = \"fat\"\ncodegen-units = 1\n",
        )
        .unwrap();
        let with_profile = hash(&root).unwrap();
        assert_ne!(base, with_profile);
        // The same settings written in another order are the same key.
        fs::write(
            root.join("Cargo.toml"),
            "[profile.release]\ncodegen-units = 1\nlto = \"fat\"\n\n[workspace]\nmembers = [\"app\"]\n",
        )
        .unwrap();
        assert_eq!(with_profile, hash(&root).unwrap());
        edit(root.join("Cargo.toml"), "lto = \"fat\"", "lto = \"thin\"");
        let thin = hash(&root).unwrap();
        assert_ne!(with_profile, thin);

        // Cargo configuration at the workspace root (flags, linker) too.
        fs::create_dir_all(root.join(".cargo")).unwrap();
        fs::write(
            root.join(".cargo/config.toml"),
            "[build]\nrustflags = [\"-C\", \"target-cpu=native\"]\n",
        )
        .unwrap();
        let with_config = hash(&root).unwrap();
        assert_ne!(thin, with_config);
        fs::remove_file(root.join(".cargo/config.toml")).unwrap();
        assert_eq!(thin, hash(&root).unwrap());
    }

    #[test]
    fn a_crate_resolved_inside_a_shared_call_is_not_resolved_again_for_another_asset() {
        let root = workspace("shared-resolution");
        let app = root.join("app");
        let plain = AssetSource::rust_executable(&app, "app");
        fs::write(app.join("data.txt"), "rows").unwrap();
        let with_data =
            AssetSource::rust_executable(&app, "app").with_bundled_file("data.txt", "data.txt");
        let (resolved, changed) = ("checksum = \"aaaa\"", "checksum = \"dddd\"");
        let hash = |s: &AssetSource| s.hash_and_resolve_shared().unwrap().0;
        let inside = super::super::with_shared_asset_hashes(|| {
            hash(&plain);
            // A lock change between two assets of one crate inside the call:
            // the crate's resolution from the first is reused.
            edit(root.join("Cargo.lock"), resolved, changed);
            hash(&with_data)
        });
        assert_ne!(
            inside,
            with_data.content_hash().unwrap(),
            "outside the call the lock is read afresh"
        );
        edit(root.join("Cargo.lock"), changed, resolved);
        assert_eq!(inside, with_data.content_hash().unwrap());
    }

    #[test]
    fn a_moved_path_dependency_is_found_in_its_new_folder_within_one_process() {
        let root = workspace("moved-path-dependency");
        let before = hash(&root).unwrap();
        // The lock does not change when a path crate moves; its manifest does.
        fs::create_dir_all(root.join("libs")).unwrap();
        fs::rename(root.join("helper"), root.join("libs/helper")).unwrap();
        edit(root.join("app/Cargo.toml"), "../helper", "../libs/helper");
        let moved = hash(&root).expect("the helper is found where it is now");
        assert_ne!(before, moved, "the app's manifest changed");
        fs::write(root.join("libs/helper/src/lib.rs"), "pub fn moved() {}\n").unwrap();
        assert_ne!(moved, hash(&root).unwrap(), "the new folder is hashed");
    }

    #[test]
    fn an_undefined_dependency_is_an_error_only_when_the_crate_reaches_it() {
        let root = workspace("undefined-dependency");
        let base = hash(&root).unwrap();
        // An unrelated package's broken entry is not the crate's problem.
        edit(
            root.join("Cargo.lock"),
            "\"serde 0.9.0\"",
            "\"ghost 0.9.0\"",
        );
        assert_eq!(base, hash(&root).unwrap());
        // A reached one is, named with the package that lists it.
        edit(
            root.join("Cargo.lock"),
            " \"helper\",",
            " \"helper\",\n \"phantom\",",
        );
        let err = hash(&root).unwrap_err();
        assert!(
            err.contains("'phantom'") && err.contains("'app'") && err.contains("Cargo.lock"),
            "{err}"
        );
    }

    #[test]
    fn a_channel_name_a_missing_toolchain_file_or_lock_file_is_an_error() {
        let root = workspace("errors");
        fs::write(
            root.join("rust-toolchain.toml"),
            "[toolchain]\nchannel = \"stable\"\n",
        )
        .unwrap();
        let err = hash(&root).unwrap_err();
        assert!(err.contains("exact version such as 1.95.0"), "{err}");
        fs::write(
            root.join("rust-toolchain.toml"),
            "[toolchain]\nchannel = \"1.95.0\"\n",
        )
        .unwrap();
        hash(&root).unwrap();
        fs::remove_file(root.join("rust-toolchain.toml")).unwrap();
        fs::remove_file(root.join(".rust-toolchain-version")).unwrap();
        let err = hash(&root).unwrap_err();
        assert!(err.contains(".rust-toolchain-version"), "{err}");
        fs::write(root.join(".rust-toolchain-version"), "1.95.0\n").unwrap();
        fs::remove_file(root.join("Cargo.lock")).unwrap();
        let err = hash(&root).unwrap_err();
        assert!(err.contains("cargo generate-lockfile"), "{err}");
    }

    #[test]
    fn a_package_missing_from_the_lock_file_is_an_error() {
        let root = workspace("missing");
        edit(
            root.join("app/Cargo.toml"),
            "name = \"app\"",
            "name = \"renamed\"",
        );
        let err = AssetSource::rust_lambda(root.join("app"), "renamed")
            .content_hash()
            .unwrap_err();
        assert!(err.contains("package 'renamed' is not in"), "{err}");
    }

    #[test]
    fn bundled_files_are_checked_and_hashed() {
        let root = workspace("bundled");
        fs::create_dir_all(root.join("app/data")).unwrap();
        fs::write(root.join("app/data/sample.ndjson"), "{}\n").unwrap();
        let app = root.join("app");
        let plain = AssetSource::rust_executable(&app, "app")
            .content_hash()
            .unwrap();
        let bundled = AssetSource::rust_executable(&app, "app")
            .with_bundled_file("data/sample.ndjson", "sample.ndjson")
            .content_hash()
            .unwrap();
        assert_ne!(plain, bundled);
        let err = AssetSource::rust_executable(&app, "app")
            .with_bundled_file("data/none.ndjson", "none.ndjson")
            .content_hash()
            .unwrap_err();
        assert!(err.contains("is not a file"), "{err}");
        let err = AssetSource::rust_executable(&app, "app")
            .with_bundled_file("data/sample.ndjson", "../escape")
            .content_hash()
            .unwrap_err();
        assert!(err.contains("without '..'"), "{err}");
    }

    #[test]
    fn the_manifest_tells_the_packaging_step_what_to_build() {
        let root = workspace("manifest");
        let stack = crate::Stack::new("RustAssets");
        let asset = stack
            .root()
            .add_asset("Handler", AssetSource::rust_lambda(root.join("app"), "app"))
            .unwrap();
        let synthesized = stack.synth().unwrap();
        let entry = &synthesized.asset_manifest["assets"][0];
        assert_eq!(entry["hash"], asset.hash.as_str());
        let rust = &entry["source"]["rust"];
        assert_eq!(rust["package"], "app");
        assert_eq!(rust["binary"], "app");
        assert_eq!(rust["packaging"], "lambda-bootstrap");
        assert_eq!(rust["target"], "x86_64-unknown-linux-gnu");
        assert_eq!(rust["glibc"], "2.34");
        assert_eq!(rust["toolchain"], "1.95.0");
        assert_eq!(rust["path_dependencies"], serde_json::json!(["helper"]));
        assert_eq!(entry["source"]["build"], "rust:lambda-bootstrap:app");
    }

    #[test]
    fn a_bad_crate_is_an_error_with_the_asset_path_and_code() {
        let root = workspace("diagnostic");
        fs::remove_file(root.join("Cargo.lock")).unwrap();
        let stack = crate::Stack::new("RustAssets");
        let err = stack
            .root()
            .add_asset("Handler", AssetSource::rust_lambda(root.join("app"), "app"))
            .unwrap_err();
        assert_eq!(err.code, "asset/rust-crate");
        assert_eq!(err.path, "RustAssets/Handler");
    }
}
