//! Assets: files and folders a template refers to by S3 bucket and key
//! (Lambda code, a producer binary, a Flink application package).
//!
//! An asset's identity is a BLAKE3 content hash (256 bits, as hex) over its
//! inputs (BLAKE3 rather than SHA-256 because synth hashes every asset on
//! every run and BLAKE3 is several times faster per byte; both are
//! collision-resistant):
//! - for each file or folder input, its own digest (so two assets sharing a
//!   folder, such as two builds of one crate, read it once inside
//!   [`with_shared_asset_hashes`]), over:
//!   - for a folder, every file below it in sorted order of its relative path
//!     (with `/` separators), each as its relative path, its executable bit,
//!     its length and its bytes; empty folders count by their path;
//!   - for a file, its name, executable bit, length and bytes;
//! - any extra input a builder declares, as a label and bytes (for Rust code:
//!   `Cargo.lock`, the target triple, the toolchain version);
//! - the packaging.
//!
//! No timestamps and no absolute paths enter the hash, so the same sources
//! give the same key on every machine. The template refers to the asset as
//! `s3://<bucket>/<prefix><hash>.zip`; the bucket is chosen at synth time or,
//! by default, by a template parameter, so the template launches as it is,
//! with no bootstrap parameters. Synth writes an asset manifest beside each
//! template that tells a deploy step what to build and upload.

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};

use blake3::Hasher;

pub mod rust;

pub use rust::{BundledFile, RustBuild, RustPackaging};

use crate::diagnostics::Diagnostic;
use crate::expr::Expr;
use crate::stack::Scope;

/// Default key prefix of uploaded assets.
pub const DEFAULT_ASSET_KEY_PREFIX: &str = "assets/";

/// Default name of the parameter that holds the asset bucket.
pub const DEFAULT_ASSET_BUCKET_PARAMETER: &str = "AssetBucketName";

/// The console label of the parameter group that a stack with parameter
/// groups gives [`DEFAULT_ASSET_BUCKET_PARAMETER`] (the patterns use it).
pub const ASSET_PARAMETER_GROUP: &str = "Code assets (uploaded by the deploy step)";

/// Where a stack's assets are uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetBucket {
    /// A bucket named at synth time.
    Named(String),
    /// A bucket named at launch by a `String` parameter of this name, created
    /// when the first asset is added.
    Parameter {
        /// The parameter's name.
        name: String,
    },
}

impl Default for AssetBucket {
    fn default() -> Self {
        AssetBucket::Parameter {
            name: DEFAULT_ASSET_BUCKET_PARAMETER.into(),
        }
    }
}

/// How an asset is packaged for upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packaging {
    /// The inputs are zipped into one archive; the key ends in `.zip`. The default.
    Zip,
    /// A single file uploaded as it is; the key ends in the file's extension.
    File,
}

impl Packaging {
    fn as_str(self) -> &'static str {
        match self {
            Packaging::Zip => "zip",
            Packaging::File => "file",
        }
    }
}

/// The instruction set an asset's code is built for (a Lambda function's
/// `Architectures`, a producer binary's target).
///
/// Part of the content hash only when not the default, so the keys of
/// existing x86_64 assets do not change: an arm64 build of the same sources
/// is another asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Architecture {
    /// x86_64 (`x86_64`). The default, as Lambda's.
    #[default]
    X86_64,
    /// 64-bit ARM, Graviton (`arm64`).
    Arm64,
}

impl Architecture {
    /// The name Lambda's `Architectures` and the asset manifest use.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

/// One input of an asset's content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashInput {
    /// A file or a folder (recursively), as given (relative paths stay relative in the manifest).
    Path(PathBuf),
    /// Extra bytes under a label, e.g. `("target", b"aarch64-unknown-linux-gnu")`.
    Bytes {
        /// What the bytes are; part of the hash.
        label: String,
        /// The content.
        bytes: Vec<u8>,
    },
}

/// What an asset is made of and how it is built. The deploy step reads this
/// from the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetSource {
    /// The hashed inputs; the first path is what gets packaged.
    pub inputs: Vec<HashInput>,
    /// Packaging. Default: [`Packaging::Zip`].
    pub packaging: Packaging,
    /// Names of files or folders skipped anywhere below a folder input
    /// (compared with each path component). Default: `.git` and `target`.
    pub exclude: Vec<String>,
    /// A free-form description of how to build the asset, copied to the
    /// manifest for the deploy step (e.g. `cargo-lambda:consumer`). Default: none (upload as is).
    pub build: Option<String>,
    /// The instruction set the code is built for; hashed as the labelled
    /// input `architecture` only when not [`Architecture::X86_64`], and
    /// written to the manifest then. Default: [`Architecture::X86_64`].
    pub architecture: Architecture,
    /// For a Rust binary ([`AssetSource::rust_lambda`],
    /// [`AssetSource::rust_executable`]): how it is built; its hash then also
    /// covers the locked dependencies, path dependencies, target and
    /// toolchain (see [`rust`]). Default: none.
    pub rust: Option<RustBuild>,
}

impl AssetSource {
    /// A folder to zip.
    pub fn directory(path: impl Into<PathBuf>) -> Self {
        Self {
            inputs: vec![HashInput::Path(path.into())],
            packaging: Packaging::Zip,
            exclude: vec![".git".into(), "target".into()],
            build: None,
            architecture: Architecture::X86_64,
            rust: None,
        }
    }

    /// A Lambda handler built from the Rust crate in `crate_dir` (a member of
    /// a Cargo workspace with a `Cargo.lock`): its binary `binary`, built by
    /// the packaging step with cargo-lambda for the `provided.al2023` runtime
    /// and zipped as `bootstrap`, linked against glibc
    /// [`rust::AL2023_GLIBC`]. Pair it with `Runtime::ProvidedAl2023` and the
    /// handler `bootstrap`. Nothing is read until the asset is added to a
    /// stack; errors (no `Cargo.lock`, no toolchain file, a package missing
    /// from the lock file) are reported then, with the asset's path.
    /// <https://docs.aws.amazon.com/lambda/latest/dg/rust-package.html>
    pub fn rust_lambda(crate_dir: impl Into<PathBuf>, binary: impl Into<String>) -> Self {
        Self::rust_binary(crate_dir, binary, RustPackaging::LambdaBootstrap)
    }

    /// An executable for an instance (a producer), built from the Rust crate
    /// in `crate_dir` like [`AssetSource::rust_lambda`] (glibc
    /// [`rust::AL2023_GLIBC`], Amazon Linux 2023's), and zipped under its own
    /// name with mode 0755.
    pub fn rust_executable(crate_dir: impl Into<PathBuf>, binary: impl Into<String>) -> Self {
        Self::rust_binary(crate_dir, binary, RustPackaging::Executable)
    }

    fn rust_binary(
        crate_dir: impl Into<PathBuf>,
        binary: impl Into<String>,
        packaging: RustPackaging,
    ) -> Self {
        let binary = binary.into();
        Self {
            build: Some(format!("rust:{}:{binary}", packaging.as_str())),
            rust: Some(RustBuild {
                binary,
                packaging,
                glibc: rust::AL2023_GLIBC.into(),
                bundled_files: Vec::new(),
            }),
            ..Self::directory(crate_dir)
        }
    }

    /// Ships `source` (a file relative to the crate folder) in a Rust asset's
    /// archive as `name`, mode 0644. Ignored by other assets; a bad name or a
    /// missing file is reported when the asset is added.
    #[must_use]
    pub fn with_bundled_file(
        mut self,
        source: impl Into<PathBuf>,
        name: impl Into<String>,
    ) -> Self {
        if let Some(rust) = &mut self.rust {
            rust.bundled_files.push(BundledFile {
                source: source.into(),
                name: name.into(),
            });
        }
        self
    }

    /// Sets the newest glibc a Rust asset's binary may need (`2.34` by
    /// default). Ignored by other assets.
    #[must_use]
    pub fn with_glibc(mut self, version: impl Into<String>) -> Self {
        if let Some(rust) = &mut self.rust {
            rust.glibc = version.into();
        }
        self
    }

    /// A single file uploaded as it is.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            inputs: vec![HashInput::Path(path.into())],
            packaging: Packaging::File,
            exclude: Vec::new(),
            build: None,
            architecture: Architecture::X86_64,
            rust: None,
        }
    }

    /// Adds a file or folder whose content changes the hash but is not packaged.
    pub fn with_input_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.inputs.push(HashInput::Path(path.into()));
        self
    }

    /// Adds labelled bytes to the hash (a target triple, a toolchain version).
    pub fn with_input_bytes(mut self, label: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        self.inputs.push(HashInput::Bytes {
            label: label.into(),
            bytes: bytes.into(),
        });
        self
    }

    /// Records how the deploy step builds the asset.
    pub fn with_build(mut self, build: impl Into<String>) -> Self {
        self.build = Some(build.into());
        self
    }

    /// Sets [`AssetSource::architecture`].
    #[must_use]
    pub fn with_architecture(mut self, architecture: Architecture) -> Self {
        self.architecture = architecture;
        self
    }

    /// Computes the content hash (lowercase hex BLAKE3, 64 characters). Fails on unreadable
    /// files, non-UTF-8 names and missing paths.
    pub fn content_hash(&self) -> Result<String, String> {
        self.hash_and_resolve().map(|(hash, _)| hash)
    }

    /// The content hash and, for a Rust asset, what was resolved about its crate.
    fn hash_and_resolve(&self) -> Result<(String, Option<rust::ResolvedRust>), String> {
        let resolved = match &self.rust {
            Some(_) => Some(resolve_rust_shared(self.crate_dir()?)?),
            None => None,
        };
        let mut hasher = Hasher::new();
        self.feed(&mut hasher, resolved.as_ref())?;
        Ok((hasher.finalize().to_hex().to_string(), resolved))
    }

    /// [`hash_and_resolve`](Self::hash_and_resolve), or inside
    /// [`with_shared_asset_hashes`] the result for an equal source hashed
    /// before in the same call.
    fn hash_and_resolve_shared(&self) -> Result<(String, Option<rust::ResolvedRust>), String> {
        shared(
            |scope| &mut scope.sources,
            |source| source == self,
            || self.clone(),
            || self.hash_and_resolve(),
        )
    }

    /// The first path input: a Rust asset's crate folder.
    fn crate_dir(&self) -> Result<&Path, String> {
        self.inputs
            .iter()
            .find_map(|i| match i {
                HashInput::Path(p) => Some(p.as_path()),
                HashInput::Bytes { .. } => None,
            })
            .ok_or_else(|| "a Rust asset needs its crate folder as its first input".to_owned())
    }

    /// Feeds every input, in the order that defines the hash layout.
    fn feed(&self, sink: &mut Hasher, resolved: Option<&rust::ResolvedRust>) -> Result<(), String> {
        sink.update(b"streamcdk-asset-v3\0");
        sink.update(self.packaging.as_str().as_bytes());
        sink.update(b"\0");
        for input in &self.inputs {
            match input {
                HashInput::Path(path) => hash_path(sink, path, &self.exclude)?,
                HashInput::Bytes { label, bytes } => hash_bytes(sink, label, bytes),
            }
        }
        if self.architecture != Architecture::X86_64 {
            hash_bytes(sink, "architecture", self.architecture.as_str().as_bytes());
        }
        if let (Some(build), Some(resolved)) = (&self.rust, resolved) {
            self.hash_rust(sink, build, resolved)?;
        }
        Ok(())
    }

    /// Hashes what a Rust binary depends on beyond its crate folder.
    fn hash_rust(
        &self,
        hasher: &mut Hasher,
        build: &RustBuild,
        resolved: &rust::ResolvedRust,
    ) -> Result<(), String> {
        let crate_dir = self.crate_dir()?;
        hash_bytes(hasher, "rust-package", resolved.package.as_bytes());
        hash_bytes(hasher, "rust-binary", build.binary.as_bytes());
        hash_bytes(
            hasher,
            "rust-packaging",
            build.packaging.as_str().as_bytes(),
        );
        hash_bytes(
            hasher,
            "rust-target",
            rust::target_triple(self.architecture).as_bytes(),
        );
        hash_bytes(hasher, "rust-glibc", build.glibc.as_bytes());
        hash_bytes(hasher, "rust-toolchain", resolved.toolchain.as_bytes());
        // Only when there are any, so a workspace without settings keeps the
        // keys it had before they were covered.
        if !resolved.build_settings.is_empty() {
            hash_bytes(
                hasher,
                "rust-build-settings",
                resolved.build_settings.as_bytes(),
            );
        }
        hash_bytes(hasher, "rust-lock", resolved.lock_entries.as_bytes());
        for (name, dir) in &resolved.path_dependencies {
            hash_bytes(hasher, "rust-path-dependency", name.as_bytes());
            hash_path(hasher, dir, &self.exclude)?;
        }
        for file in &build.bundled_files {
            rust::check_archive_name(&file.name)?;
            let source = crate_dir.join(&file.source);
            if !source.is_file() {
                return Err(format!("bundled file {} is not a file", source.display()));
            }
            hash_bytes(
                hasher,
                "rust-bundled-file",
                format!("{}\0{}", file.source.display(), file.name).as_bytes(),
            );
        }
        Ok(())
    }
}

/// What the outermost [`with_shared_asset_hashes`] on this thread has
/// hashed: whole asset sources with their results, and file and folder
/// inputs (by path and exclusions) with their digests, and the Rust crate
/// folders resolved.
#[derive(Default)]
struct SharedScope {
    /// This call's number in the process: a file read inside the call is
    /// marked with it, and not read again in the same call.
    id: u64,
    sources: Vec<(AssetSource, (String, Option<rust::ResolvedRust>))>,
    paths: Vec<(PathInput, [u8; 32])>,
    /// Rust crate folders resolved in this call (lock closure, toolchain,
    /// build settings, path dependencies).
    crates: Vec<(PathBuf, rust::ResolvedRust)>,
}

/// A file or folder input as the shared scope keys it: its path and exclusions.
type PathInput = (PathBuf, Vec<String>);

/// What [`rust::resolve`] finds about a crate folder, or inside
/// [`with_shared_asset_hashes`] what it found before in the same call.
fn resolve_rust_shared(crate_dir: &Path) -> Result<rust::ResolvedRust, String> {
    shared(
        |scope| &mut scope.crates,
        |dir| dir == crate_dir,
        || crate_dir.to_owned(),
        || rust::resolve(crate_dir),
    )
}

/// `compute()`, or inside [`with_shared_asset_hashes`] the value kept in
/// `list` for the key `matches` accepts; a value computed inside the call
/// is kept under `key()` (built only then).
fn shared<K, V: Clone>(
    list: impl Fn(&mut SharedScope) -> &mut Vec<(K, V)>,
    matches: impl Fn(&K) -> bool,
    key: impl FnOnce() -> K,
    compute: impl FnOnce() -> Result<V, String>,
) -> Result<V, String> {
    let known = with_scope(|scope| {
        list(scope)
            .iter()
            .find(|(k, _)| matches(k))
            .map(|(_, value)| value.clone())
    });
    if let Some(value) = known.flatten() {
        return Ok(value);
    }
    let value = compute()?;
    with_scope(|scope| list(scope).push((key(), value.clone())));
    Ok(value)
}

thread_local! {
    static SHARED: RefCell<Option<SharedScope>> = const { RefCell::new(None) };
}

/// The number of the [`with_shared_asset_hashes`] call this thread is in,
/// if any: inside one, files are taken not to change.
fn shared_scope_id() -> Option<u64> {
    with_scope(|scope| scope.id)
}

/// `f` over this thread's [`SharedScope`]; `None` outside one.
fn with_scope<T>(f: impl FnOnce(&mut SharedScope) -> T) -> Option<T> {
    SHARED.with(|shared| shared.borrow_mut().as_mut().map(f))
}

/// Runs `build` (which builds stacks) with asset hashes shared: an asset
/// whose [`AssetSource`] equals one already added in the same call gets that
/// hash without its files being read again, and a file or folder input read
/// before in the same call (the same path with the same exclusions, even in
/// another asset) is not read again either. Use it when several stacks in one
/// run carry the same code (the `synth` command builds patterns 2 and
/// 2-studio, which carry the same producer asset, and pattern 4, whose
/// producer asset adds a bundled file to the same crate folder, in one), and
/// a Rust crate folder's resolution (its part of `Cargo.lock`, toolchain,
/// build settings and path dependencies) is reused for another asset of the
/// same folder: the files are then taken not to change while `build` runs. Outside such a call every
/// [`Scope::add_asset`] reads its inputs afresh, so a process that changes
/// files between two stacks still gets their new hash. Nested calls share
/// the outermost call's results.
pub fn with_shared_asset_hashes<T>(build: impl FnOnce() -> T) -> T {
    let outermost = SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        let outermost = shared.is_none();
        if outermost {
            static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
            *shared = Some(SharedScope {
                id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                ..SharedScope::default()
            });
        }
        outermost
    });
    // Cleared on the way out, a panic included.
    struct Clear(bool);
    impl Drop for Clear {
        fn drop(&mut self) {
            if self.0 {
                SHARED.with(|shared| *shared.borrow_mut() = None);
            }
        }
    }
    let _clear = Clear(outermost);
    build()
}

fn hash_bytes(hasher: &mut Hasher, label: &str, bytes: &[u8]) {
    hasher.update(b"B\0");
    hasher.update(label.as_bytes());
    hasher.update(format!("\0{}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}

fn hash_file(hasher: &mut Hasher, path: &Path, relative: &str) -> Result<(), String> {
    let meta = fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let exec = if is_executable(&meta) { "x" } else { "-" };
    hasher.update(format!("F\0{relative}\0{exec}\0{}\0", meta.len()).as_bytes());
    let mut file =
        fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    // BLAKE3 hashes many 1 KiB chunks at once (SIMD) only when one update
    // holds many: through `io::copy`'s 8 KiB reads it hashed at a third of
    // that speed.
    with_read_buffer(|buffer| loop {
        match std::io::Read::read(&mut file, buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                hasher.update(&buffer[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        }
    })
}

/// Runs `read` with this thread's 64 KiB buffer for reading files, zeroed
/// once (a zeroed buffer per file was 4 million instructions of `synth
/// --all` when assets were hashed that way), or a new one when the thread's
/// is in use.
pub(crate) fn with_read_buffer<T>(read: impl FnOnce(&mut [u8]) -> T) -> T {
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = RefCell::new(vec![0; 64 * 1024]);
    }
    BUFFER.with(|buffer| match buffer.try_borrow_mut() {
        Ok(mut buffer) => read(&mut buffer),
        Err(_) => read(&mut vec![0; 64 * 1024]),
    })
}

/// Feeds a file or folder input: its digest ([`path_digest`]), or inside
/// [`with_shared_asset_hashes`] the digest of the same path with the same
/// exclusions computed before in that call.
fn hash_path(hasher: &mut Hasher, path: &Path, exclude: &[String]) -> Result<(), String> {
    let digest = shared(
        |scope| &mut scope.paths,
        |(p, e)| p == path && e.as_slice() == exclude,
        || (path.to_path_buf(), exclude.to_vec()),
        || path_digest(path, exclude),
    )?;
    hasher.update(b"P\0");
    hasher.update(&digest);
    Ok(())
}

/// The BLAKE3 digest of one file or folder input (the layout in the
/// module's documentation).
fn path_digest(path: &Path, exclude: &[String]) -> Result<[u8; 32], String> {
    let mut hasher = Hasher::new();
    feed_path(&mut hasher, path, exclude)?;
    Ok(*hasher.finalize().as_bytes())
}

fn feed_path(hasher: &mut Hasher, path: &Path, exclude: &[String]) -> Result<(), String> {
    let meta = fs::metadata(path)
        .map_err(|e| format!("cannot read asset input {}: {e}", path.display()))?;
    if meta.is_file() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("asset input {} has no UTF-8 file name", path.display()))?;
        return hash_file(hasher, path, name);
    }
    hasher.update(b"D\0");
    let mut entries = Vec::new();
    collect_files(path, "", exclude, &mut entries)?;
    entries.sort();
    for (relative, is_dir) in entries {
        if is_dir {
            hasher.update(format!("E\0{relative}\0").as_bytes());
        } else {
            hash_file(hasher, &path.join(&relative), &relative)?;
        }
    }
    Ok(())
}

/// Collects (relative path, is-empty-dir) pairs below `dir`.
fn collect_files(
    dir: &Path,
    prefix: &str,
    exclude: &[String],
    out: &mut Vec<(String, bool)>,
) -> Result<(), String> {
    let read = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut empty = true;
    for entry in read {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|n| format!("asset file name {n:?} in {} is not UTF-8", dir.display()))?;
        if exclude.contains(&name) {
            continue;
        }
        empty = false;
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let meta = fs::metadata(entry.path())
            .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        if meta.is_dir() {
            collect_files(&entry.path(), &relative, exclude, out)?;
        } else {
            out.push((relative, false));
        }
    }
    if empty && !prefix.is_empty() {
        out.push((prefix.to_owned(), true));
    }
    Ok(())
}

/// An asset as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct AssetDef {
    pub id: String,
    pub path: String,
    pub source: AssetSource,
    pub hash: String,
    pub key: String,
    pub rust: Option<rust::ResolvedRust>,
    /// The stack's asset bucket and key prefix when the asset was added: the
    /// template refers to that location, so synth refuses a stack whose
    /// location changed afterwards.
    pub location: (AssetBucket, String),
}

/// An asset added to a stack: where the template finds it.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The S3 bucket (a literal, or a `Ref` to the asset bucket parameter).
    pub bucket: Expr<String>,
    /// The S3 key: `<prefix><hash>.zip`, or `<prefix><hash><ext>` for a single file.
    pub key: Expr<String>,
    /// The content hash.
    pub hash: String,
}

impl Scope {
    /// Adds an asset below this scope. The content hash is computed now (once),
    /// so a missing or unreadable input is reported here, with this path.
    pub fn add_asset(
        &self,
        id: impl Into<String>,
        source: AssetSource,
    ) -> Result<Asset, Diagnostic> {
        let id = id.into();
        let path = self.child_path(&id);
        let first_path = source.inputs.iter().find_map(|i| match i {
            HashInput::Path(p) => Some(p.clone()),
            HashInput::Bytes { .. } => None,
        });
        let Some(first_path) = first_path else {
            return Err(Diagnostic::error(
                "asset/no-content",
                path,
                "an asset needs at least one file or folder input",
            ));
        };
        if source.packaging == Packaging::File && !first_path.is_file() {
            return Err(Diagnostic::error(
                "asset/not-a-file",
                path,
                format!(
                    "file packaging needs a file, and {} is not one",
                    first_path.display()
                ),
            ));
        }
        let code = if source.rust.is_some() {
            "asset/rust-crate"
        } else {
            "asset/unreadable"
        };
        let (hash, rust) = source
            .hash_and_resolve_shared()
            .map_err(|m| Diagnostic::error(code, path.clone(), m))?;
        let stack = self.stack();
        let extension = match source.packaging {
            Packaging::Zip => ".zip".to_owned(),
            Packaging::File => first_path
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| format!(".{e}"))
                .unwrap_or_default(),
        };
        let prefix = stack.data().asset_key_prefix.clone();
        let key = format!("{prefix}{hash}{extension}");
        let bucket = stack.asset_bucket_expr();
        let location = (stack.data().asset_bucket.clone(), prefix);
        stack.data().assets.push(AssetDef {
            id,
            path,
            source,
            hash: hash.clone(),
            key: key.clone(),
            rust,
            location,
        });
        Ok(Asset {
            bucket,
            key: key.into(),
            hash,
        })
    }
}

/// `asset/location-changed` for each asset added before the stack's asset
/// bucket or key prefix was changed: the template already refers to the
/// location in effect when the asset was added, while the manifest would
/// upload it to the new one.
pub(crate) fn check_locations(
    bucket: &AssetBucket,
    prefix: &str,
    assets: &[AssetDef],
    diags: &mut crate::Diagnostics,
) {
    for a in assets {
        let (then_bucket, then_prefix) = &a.location;
        let what = match (then_bucket != bucket, then_prefix != prefix) {
            (false, false) => continue,
            (true, false) => "asset bucket",
            (false, true) => "asset key prefix",
            (true, true) => "asset bucket and key prefix",
        };
        diags.push(crate::Diagnostic::error(
            "asset/location-changed",
            a.path.clone(),
            format!(
                "the stack's {what} changed after this asset was added, and the template already refers to the old location (bucket {}, key {}); set the asset bucket and key prefix before adding assets (Stack::set_asset_bucket, Stack::set_asset_key_prefix, or with_asset_location around the code that builds the stack)",
                describe_bucket(then_bucket),
                a.key
            ),
        ));
    }
}

fn describe_bucket(bucket: &AssetBucket) -> String {
    match bucket {
        AssetBucket::Named(name) => format!("'{name}'"),
        AssetBucket::Parameter { name } => format!("from the parameter {name}"),
    }
}

/// The asset location of [`with_asset_location`] on this thread.
type DefaultLocation = Option<(Option<AssetBucket>, Option<String>)>;

thread_local! {
    static DEFAULT_LOCATION: RefCell<DefaultLocation> = const { RefCell::new(None) };
}

/// Runs `build` with the asset location every [`Stack`](crate::Stack) created
/// in it starts with: `bucket` instead of the `AssetBucketName` parameter,
/// and `key_prefix` instead of `assets/` (each only when `Some`). For code
/// that builds stacks it does not write (the `synth` command's
/// `--asset-bucket` and `--asset-prefix` over the patterns' `build()`): the
/// location must be set before the first asset is added, since the template
/// refers to it from then on; changing it later is the synth error
/// `asset/location-changed`. Calls nest; the innermost applies.
pub fn with_asset_location<T>(
    bucket: Option<AssetBucket>,
    key_prefix: Option<String>,
    build: impl FnOnce() -> T,
) -> T {
    let previous = DEFAULT_LOCATION.with(|d| d.replace(Some((bucket, key_prefix))));
    // Restored on the way out, a panic included.
    struct Restore(DefaultLocation);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            DEFAULT_LOCATION.with(|d| *d.borrow_mut() = previous);
        }
    }
    let _restore = Restore(previous);
    build()
}

/// The bucket and key prefix a new stack starts with.
pub(crate) fn default_location() -> (AssetBucket, String) {
    DEFAULT_LOCATION.with(|d| {
        let d = d.borrow();
        let (bucket, prefix) = d
            .as_ref()
            .map_or((None, None), |(b, p)| (b.clone(), p.clone()));
        (
            bucket.unwrap_or_default(),
            prefix.unwrap_or_else(|| DEFAULT_ASSET_KEY_PREFIX.to_owned()),
        )
    })
}

/// The asset manifest of one stack, as written beside its template.
pub(crate) fn manifest_json(
    stack_name: &str,
    bucket: &AssetBucket,
    assets: &[AssetDef],
) -> serde_json::Value {
    use serde_json::json;
    let destination_bucket = match bucket {
        AssetBucket::Named(name) => json!({"name": name}),
        AssetBucket::Parameter { name } => json!({"parameter": name}),
    };
    let entries: Vec<_> = assets
        .iter()
        .map(|a| {
            let inputs: Vec<_> = a
                .source
                .inputs
                .iter()
                .map(|i| match i {
                    HashInput::Path(p) => json!({"path": p.to_string_lossy()}),
                    HashInput::Bytes { label, bytes } => {
                        json!({"label": label, "bytes": String::from_utf8_lossy(bytes)})
                    }
                })
                .collect();
            let mut source = json!({
                "inputs": inputs,
                "exclude": a.source.exclude,
                "build": a.source.build,
            });
            if a.source.architecture != Architecture::X86_64 {
                source["architecture"] = json!(a.source.architecture.as_str());
            }
            if let (Some(build), Some(resolved)) = (&a.source.rust, &a.rust) {
                let crate_dir = a.source.inputs.iter().find_map(|i| match i {
                    HashInput::Path(p) => std::fs::canonicalize(p).ok(),
                    HashInput::Bytes { .. } => None,
                });
                source["rust"] = json!({
                    "workspace": resolved.workspace_root.to_string_lossy(),
                    "crate_dir": crate_dir.map(|d| d.to_string_lossy().into_owned()),
                    "package": resolved.package,
                    "binary": build.binary,
                    "packaging": build.packaging.as_str(),
                    "target": rust::target_triple(a.source.architecture),
                    "glibc": build.glibc,
                    "toolchain": resolved.toolchain,
                    "path_dependencies": resolved.path_dependencies.iter().map(|(name, _)| name).collect::<Vec<_>>(),
                    "bundled_files": build.bundled_files.iter().map(|f| json!({
                        "source": f.source.to_string_lossy(),
                        "name": f.name,
                    })).collect::<Vec<_>>(),
                });
            }
            json!({
                "id": a.id,
                "path": a.path,
                "hash": a.hash,
                "packaging": a.source.packaging.as_str(),
                "source": source,
                "destination": {"bucket": destination_bucket, "key": a.key},
            })
        })
        .collect();
    json!({"version": 1, "stack": stack_name, "assets": entries})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("streamcdk-asset-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn hash_ignores_location_and_timestamps_but_not_content() {
        let a = temp_dir("a");
        let b = temp_dir("b");
        for d in [&a, &b] {
            fs::create_dir_all(d.join("src")).unwrap();
            fs::write(d.join("src/main.rs"), "fn main() {}").unwrap();
            fs::write(d.join("Cargo.toml"), "[package]").unwrap();
        }
        let ha = AssetSource::directory(&a).content_hash().unwrap();
        // Rewrite a file with the same bytes later: same hash.
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(b.join("Cargo.toml"), "[package]").unwrap();
        let hb = AssetSource::directory(&b).content_hash().unwrap();
        assert_eq!(ha, hb);
        fs::write(b.join("Cargo.toml"), "[package] ").unwrap();
        assert_ne!(ha, AssetSource::directory(&b).content_hash().unwrap());
    }

    #[test]
    fn renaming_a_file_or_adding_an_empty_folder_changes_the_hash() {
        let d = temp_dir("rename");
        fs::write(d.join("a.txt"), "x").unwrap();
        let h1 = AssetSource::directory(&d).content_hash().unwrap();
        fs::rename(d.join("a.txt"), d.join("b.txt")).unwrap();
        let h2 = AssetSource::directory(&d).content_hash().unwrap();
        assert_ne!(h1, h2);
        fs::create_dir(d.join("empty")).unwrap();
        assert_ne!(h2, AssetSource::directory(&d).content_hash().unwrap());
    }

    #[test]
    fn excluded_folders_and_extra_inputs() {
        let d = temp_dir("exclude");
        fs::write(d.join("a.txt"), "x").unwrap();
        let h1 = AssetSource::directory(&d).content_hash().unwrap();
        fs::create_dir_all(d.join("target/debug")).unwrap();
        fs::write(d.join("target/debug/out"), "binary").unwrap();
        assert_eq!(h1, AssetSource::directory(&d).content_hash().unwrap());
        let with_triple = AssetSource::directory(&d)
            .with_input_bytes("target", "aarch64-unknown-linux-gnu")
            .content_hash()
            .unwrap();
        assert_ne!(h1, with_triple);
    }

    #[test]
    fn golden_hash_of_bytes_only_content() {
        // Pins the hash layout: a change here changes every asset key.
        let source = AssetSource {
            inputs: vec![HashInput::Bytes {
                label: "l".into(),
                bytes: b"v".to_vec(),
            }],
            packaging: Packaging::Zip,
            exclude: vec![],
            build: None,
            architecture: Architecture::X86_64,
            rust: None,
        };
        let expected = {
            blake3::hash(b"streamcdk-asset-v3\0zip\0B\0l\x001\0v")
                .to_hex()
                .to_string()
        };
        assert_eq!(source.content_hash().unwrap(), expected);
    }

    #[test]
    fn architecture_enters_the_hash_only_when_not_the_default() {
        let base = AssetSource::directory("/unused").with_input_bytes("l", "v");
        let bytes_only = |s: AssetSource| AssetSource {
            inputs: vec![HashInput::Bytes {
                label: "l".into(),
                bytes: b"v".to_vec(),
            }],
            ..s
        };
        let x86 = bytes_only(base.clone()).content_hash().unwrap();
        let explicit = bytes_only(base.clone().with_architecture(Architecture::X86_64))
            .content_hash()
            .unwrap();
        assert_eq!(x86, explicit);
        let arm = bytes_only(base.with_architecture(Architecture::Arm64))
            .content_hash()
            .unwrap();
        assert_ne!(x86, arm);
        // The same as declaring the labelled input by hand.
        let by_hand = AssetSource {
            inputs: vec![
                HashInput::Bytes {
                    label: "l".into(),
                    bytes: b"v".to_vec(),
                },
                HashInput::Bytes {
                    label: "architecture".into(),
                    bytes: b"arm64".to_vec(),
                },
            ],
            ..AssetSource::directory("/unused")
        };
        assert_eq!(arm, by_hand.content_hash().unwrap());
    }

    #[test]
    fn a_folder_shared_by_two_sources_is_read_once_inside_the_call() {
        let d = temp_dir("shared-paths");
        fs::write(d.join("a.txt"), "1").unwrap();
        let plain = AssetSource::directory(&d);
        let extended = AssetSource::directory(&d).with_input_bytes("extra", b"x".to_vec());
        let hash = |s: &AssetSource| s.hash_and_resolve_shared().unwrap().0;
        let (plain_inside, extended_inside) = with_shared_asset_hashes(|| {
            let p = hash(&plain);
            fs::write(d.join("a.txt"), "22").unwrap();
            // A different source, the same folder: its digest is reused.
            (p, hash(&extended))
        });
        fs::write(d.join("a.txt"), "1").unwrap();
        assert_eq!(
            extended_inside,
            extended.content_hash().unwrap(),
            "the folder's digest from before the edit was reused"
        );
        assert_eq!(plain_inside, plain.content_hash().unwrap());
        // Other exclusions are another input.
        let excluding = AssetSource {
            exclude: vec!["a.txt".into()],
            ..AssetSource::directory(&d)
        };
        let (with_file, without_file) =
            with_shared_asset_hashes(|| (hash(&plain), hash(&excluding)));
        assert_ne!(with_file, without_file);
        // Outside the call the folder is read afresh.
        fs::write(d.join("a.txt"), "333").unwrap();
        assert_ne!(hash(&plain), plain_inside);
    }

    #[test]
    fn shared_hashes_reuse_an_equal_source_only_inside_the_call() {
        let d = temp_dir("shared-hashes");
        fs::write(d.join("a.txt"), "1").unwrap();
        let source = AssetSource::directory(&d);
        let hash = |s: &AssetSource| s.hash_and_resolve_shared().unwrap().0;
        let first = hash(&source);
        fs::write(d.join("a.txt"), "22").unwrap();
        let outside = hash(&source);
        assert_ne!(
            first, outside,
            "outside the call every hash reads the files"
        );
        let (inside_first, inside_again) = with_shared_asset_hashes(|| {
            let a = hash(&source);
            fs::write(d.join("a.txt"), "333").unwrap();
            // Nested calls share the outermost call's results.
            let b = with_shared_asset_hashes(|| hash(&source));
            (a, b)
        });
        assert_eq!(inside_first, outside);
        assert_eq!(
            inside_again, outside,
            "inside the call an equal source is not read again"
        );
        assert_ne!(
            hash(&source),
            outside,
            "after the call the files are read again"
        );
        // A different source is hashed on its own inside the call.
        let other = AssetSource::directory(&d).with_input_bytes("extra", b"x".to_vec());
        let (plain, extra) = with_shared_asset_hashes(|| (hash(&source), hash(&other)));
        assert_ne!(plain, extra);
    }

    #[test]
    fn missing_input_is_an_error_not_a_panic() {
        let err = AssetSource::directory("/definitely/not/here")
            .content_hash()
            .unwrap_err();
        assert!(err.contains("/definitely/not/here"), "{err}");
    }
}
