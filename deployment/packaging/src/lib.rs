//! Packaging: turns the asset manifests that synth writes beside each
//! template (`<stack>.assets.json`) into the objects to upload, named by
//! their content hash.
//!
//! - A **Rust asset** ([`streamcdk_core::AssetSource::rust_lambda`],
//!   [`rust_executable`](streamcdk_core::AssetSource::rust_executable)) is
//!   built with cargo-lambda for `<triple>.<glibc>` (zig links against that
//!   glibc, 2.34 for Amazon Linux 2023 and `provided.al2023`), in release
//!   mode, with `--remap-path-prefix` so the binary carries no local paths.
//!   The binary is then checked to need no newer glibc ([`glibc`]) and zipped
//!   as `bootstrap` (a Lambda handler) or under its own name with its bundled
//!   files (an executable). The `rustc` found must be the version pinned at
//!   the workspace root, since that version is part of the asset's hash.
//! - A **folder** asset is zipped as it is (its executable files 0755).
//! - A **file** asset is copied as it is.
//!
//! Every archive is deterministic ([`archive`]): the same sources give a
//! byte-identical zip. Packaging never talks to AWS; the deploy binary calls
//! [`package_manifest`] and uploads what it returns.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub mod archive;
pub mod glibc;

use archive::Entry;

/// What went wrong while packaging; every message names the asset and what to do.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The manifest could not be read or is not one synth writes.
    #[error("asset manifest {path}: {reason}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The `rustc` on this machine is not the pinned one.
    #[error("asset {asset}: the Rust assets of this workspace are hashed for toolchain {pinned} (pinned in {workspace}), and `rustc --version` says {found}: install {pinned}, or pin the new version (which changes every Rust asset's key)")]
    Toolchain {
        /// The asset's path.
        asset: String,
        /// The pinned version.
        pinned: String,
        /// What `rustc --version` printed.
        found: String,
        /// The workspace root.
        workspace: String,
    },
    /// cargo-lambda is not installed.
    #[error("asset {asset}: cargo-lambda was not found ({looked}); `bash scripts/test.sh` installs the pinned cargo-lambda and ziglang into .venv, or pass --cargo-lambda PATH")]
    CargoLambdaMissing {
        /// The asset's path.
        asset: String,
        /// Where it was looked for.
        looked: String,
    },
    /// The build failed.
    #[error("asset {asset}: `{command}` failed ({status}); its output is above")]
    Build {
        /// The asset's path.
        asset: String,
        /// The command line.
        command: String,
        /// The exit status.
        status: String,
    },
    /// The built binary is not what the runtime can run.
    #[error("asset {asset}: binary {binary}: {reason}")]
    Binary {
        /// The asset's path.
        asset: String,
        /// The binary file.
        binary: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Options of [`package_manifest`].
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// Where the objects are written, each at `<out>/<key>` (the key
    /// includes the asset prefix, e.g. `assets/<hash>.zip`).
    pub out_dir: PathBuf,
    /// The cargo-lambda executable. Default: `$CARGO_LAMBDA`, then
    /// `<workspace>/.venv/bin/cargo-lambda`, then `cargo-lambda` on `PATH`.
    pub cargo_lambda: Option<PathBuf>,
    /// Where the release builds go. Default: `<workspace>/target/runtime`
    /// (apart from the debug builds, so a build started by a test does not
    /// wait for the test's own cargo lock).
    pub build_dir: Option<PathBuf>,
}

/// One packaged asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedAsset {
    /// The asset's construct path (`Stack/Function/Code`).
    pub path: String,
    /// The content hash (the key's name).
    pub hash: String,
    /// The S3 key the template refers to.
    pub key: String,
    /// The file written, `<out>/<key>`.
    pub file: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// For a Rust binary, the newest glibc it needs.
    pub glibc_needed: Option<String>,
}

/// Packages every asset of the manifest at `manifest_path`.
///
/// # Errors
/// The first asset that cannot be built, checked or written.
pub fn package_manifest(
    manifest_path: &Path,
    options: &PackageOptions,
) -> Result<Vec<PackagedAsset>, PackageError> {
    let text = std::fs::read_to_string(manifest_path).map_err(|source| PackageError::Io {
        path: manifest_path.to_path_buf(),
        source,
    })?;
    let manifest: Value = serde_json::from_str(&text).map_err(|e| PackageError::Manifest {
        path: manifest_path.to_path_buf(),
        reason: format!("not JSON: {e}"),
    })?;
    package_manifest_value(&manifest, manifest_path, options)
}

/// Packages every asset of a manifest already in memory (as
/// [`streamcdk_core::Synthesized::asset_manifest`]); `origin` names it in errors.
///
/// # Errors
/// As [`package_manifest`].
pub fn package_manifest_value(
    manifest: &Value,
    origin: &Path,
    options: &PackageOptions,
) -> Result<Vec<PackagedAsset>, PackageError> {
    let bad = |reason: String| PackageError::Manifest {
        path: origin.to_path_buf(),
        reason,
    };
    if manifest["version"] != 1 {
        return Err(bad(format!(
            "version {} is not 1, the version this packaging reads",
            manifest["version"]
        )));
    }
    let assets = manifest["assets"]
        .as_array()
        .ok_or_else(|| bad("no \"assets\" array".into()))?;
    let mut packaged = Vec::new();
    for asset in assets {
        packaged.push(package_asset(asset, options).map_err(|e| match e {
            AssetError::Manifest(reason) => bad(reason),
            AssetError::Package(e) => e,
        })?);
    }
    Ok(packaged)
}

enum AssetError {
    Manifest(String),
    Package(PackageError),
}

impl From<PackageError> for AssetError {
    fn from(e: PackageError) -> Self {
        AssetError::Package(e)
    }
}

fn field<'a>(value: &'a Value, name: &str, asset: &str) -> Result<&'a str, AssetError> {
    value[name]
        .as_str()
        .ok_or_else(|| AssetError::Manifest(format!("asset {asset} has no string \"{name}\"")))
}

fn package_asset(asset: &Value, options: &PackageOptions) -> Result<PackagedAsset, AssetError> {
    let path = field(asset, "path", "?")?.to_owned();
    let hash = field(asset, "hash", &path)?.to_owned();
    let key = field(&asset["destination"], "key", &path)?.to_owned();
    if key.split('/').any(|part| part == ".." || part.is_empty()) {
        return Err(AssetError::Manifest(format!(
            "asset {path} has the key '{key}', which is not a plain relative key"
        )));
    }
    let source = &asset["source"];
    let first_input = source["inputs"]
        .as_array()
        .and_then(|inputs| inputs.iter().find_map(|i| i["path"].as_str()))
        .map(PathBuf::from)
        .ok_or_else(|| AssetError::Manifest(format!("asset {path} has no path input")))?;
    let mut glibc_needed = None;
    let bytes = if source["rust"].is_object() {
        let (bytes, needed) = package_rust(&path, &source["rust"], options)?;
        glibc_needed = needed;
        bytes
    } else if field(asset, "packaging", &path)? == "file" {
        read(&first_input)?
    } else {
        let exclude: Vec<String> = source["exclude"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        zip_folder(&path, &first_input, &exclude)?
    };
    let file = options.out_dir.join(&key);
    write_atomically(&file, &bytes)?;
    Ok(PackagedAsset {
        path,
        hash,
        key,
        file,
        size: bytes.len() as u64,
        glibc_needed,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, PackageError> {
    std::fs::read(path).map_err(|source| PackageError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes through a temporary file and a rename, so a reader never sees half an archive.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), PackageError> {
    let io = |source| PackageError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let temporary = path.with_extension(format!("partial-{}", std::process::id()));
    std::fs::write(&temporary, bytes).map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)
}

fn zip_folder(asset: &str, dir: &Path, exclude: &[String]) -> Result<Vec<u8>, AssetError> {
    let mut entries = Vec::new();
    collect(dir, "", exclude, &mut entries)?;
    archive::deterministic_zip(entries).map_err(|reason| {
        AssetError::Package(PackageError::Binary {
            asset: asset.to_owned(),
            binary: dir.to_path_buf(),
            reason,
        })
    })
}

fn collect(
    dir: &Path,
    prefix: &str,
    exclude: &[String],
    out: &mut Vec<Entry>,
) -> Result<(), PackageError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PackageError::Io { path, source }
    };
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if exclude.contains(&name) {
            continue;
        }
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let meta = std::fs::metadata(entry.path()).map_err(io(&entry.path()))?;
        if meta.is_dir() {
            collect(&entry.path(), &relative, exclude, out)?;
        } else {
            let bytes = read(&entry.path())?;
            out.push(if is_executable(&meta) {
                Entry::executable(relative, bytes)
            } else {
                Entry::file(relative, bytes)
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// The cargo-lambda executable, as [`PackageOptions::cargo_lambda`] describes.
fn find_cargo_lambda(options: &PackageOptions, workspace: &Path) -> Result<PathBuf, String> {
    let mut looked = Vec::new();
    if let Some(path) = &options.cargo_lambda {
        return Ok(path.clone());
    }
    if let Some(path) = std::env::var_os("CARGO_LAMBDA") {
        return Ok(PathBuf::from(path));
    }
    let venv = workspace.join(".venv/bin/cargo-lambda");
    if venv.is_file() {
        return Ok(venv);
    }
    looked.push(venv.display().to_string());
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join("cargo-lambda");
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    looked.push("PATH".into());
    Err(looked.join(", "))
}

fn rustc_version() -> Result<String, String> {
    let output = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn package_rust(
    asset: &str,
    rust: &Value,
    options: &PackageOptions,
) -> Result<(Vec<u8>, Option<String>), AssetError> {
    let workspace = PathBuf::from(field(rust, "workspace", asset)?);
    let package = field(rust, "package", asset)?;
    let binary = field(rust, "binary", asset)?;
    let packaging = field(rust, "packaging", asset)?;
    let target = field(rust, "target", asset)?;
    let glibc = field(rust, "glibc", asset)?;
    let toolchain = field(rust, "toolchain", asset)?;
    let crate_dir = PathBuf::from(field(rust, "crate_dir", asset)?);
    let allowed = glibc::GlibcVersion::parse(glibc).ok_or_else(|| {
        AssetError::Manifest(format!("asset {asset} has the glibc version '{glibc}'"))
    })?;

    let found = rustc_version().map_err(AssetError::Manifest)?;
    if found.split_whitespace().nth(1) != Some(toolchain) {
        return Err(PackageError::Toolchain {
            asset: asset.to_owned(),
            pinned: toolchain.to_owned(),
            found,
            workspace: workspace.display().to_string(),
        }
        .into());
    }
    let cargo_lambda = find_cargo_lambda(options, &workspace).map_err(|looked| {
        PackageError::CargoLambdaMissing {
            asset: asset.to_owned(),
            looked,
        }
    })?;
    let build_dir = options
        .build_dir
        .clone()
        .unwrap_or_else(|| workspace.join("target/runtime"));
    let lambda_dir = build_dir.join("lambda");

    // The workspace configuration's flags (part of the asset key), then the
    // remapping of local paths out of the binary: the workspace, cargo's
    // registry and the toolchain. Setting RUSTFLAGS makes cargo ignore the
    // configuration's, hence copying them; the caller's RUSTFLAGS are not part
    // of the key (see `ignored_build_variables`).
    let mut rustflags = config_rustflags(&workspace, target).map_err(AssetError::Manifest)?;
    let home = std::env::var("HOME").unwrap_or_default();
    let cargo_home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo"));
    let rustup_home = std::env::var("RUSTUP_HOME").unwrap_or_else(|_| format!("{home}/.rustup"));
    for (from, to) in [
        (workspace.display().to_string(), "/workspace"),
        (cargo_home.clone(), "/cargo"),
        (rustup_home, "/rustup"),
    ] {
        if !from.is_empty() {
            rustflags.push_str(&format!(" --remap-path-prefix={from}={to}"));
        }
    }
    // cargo-lambda runs zig from the Python package next to it (ziglang).
    let mut path = cargo_lambda
        .parent()
        .map(|p| vec![p.to_path_buf()])
        .unwrap_or_default();
    if let Some(existing) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&existing));
    }
    let full_target = format!("{target}.{glibc}");
    let mut command = Command::new(&cargo_lambda);
    let ignored = ignored_build_variables(std::env::vars_os().map(|(name, _)| name));
    let path = std::env::join_paths(path).map_err(|e| AssetError::Manifest(e.to_string()))?;
    build_environment(
        &mut command,
        &ignored,
        &[
            ("CARGO_TARGET_DIR", build_dir.as_os_str()),
            ("RUSTFLAGS", std::ffi::OsStr::new(rustflags.trim())),
            ("PATH", &path),
        ],
    );
    command
        .current_dir(&workspace)
        .args([
            "lambda",
            "build",
            "--release",
            "--package",
            package,
            "--bin",
            binary,
        ])
        .args(["--target", &full_target])
        .arg("--lambda-dir")
        .arg(&lambda_dir);
    if !ignored.is_empty() {
        eprintln!(
            "packaging {asset}: ignoring {} from the environment: the asset key covers the workspace's [profile] tables and .cargo/config.toml (its build.rustflags and target.{target}.rustflags are applied), not the environment, so set build options there",
            ignored.join(", ")
        );
    }

    let shown = format!(
        "{} lambda build --release --package {package} --bin {binary} --target {full_target}",
        cargo_lambda.display()
    );
    eprintln!("packaging {asset}: {shown}");
    let status = command.status().map_err(|e| PackageError::Build {
        asset: asset.to_owned(),
        command: shown.clone(),
        status: e.to_string(),
    })?;
    if !status.success() {
        return Err(PackageError::Build {
            asset: asset.to_owned(),
            command: shown,
            status: status.to_string(),
        }
        .into());
    }
    let built = lambda_dir.join(binary).join("bootstrap");
    let bytes = read(&built)?;
    let binary_error = |reason: String| PackageError::Binary {
        asset: asset.to_owned(),
        binary: built.clone(),
        reason,
    };
    let needed = glibc::check(&bytes, &allowed).map_err(binary_error)?;
    let local = [workspace.display().to_string(), cargo_home];
    if let Some(leak) = local
        .iter()
        .filter(|p| p.len() > 1)
        .find(|p| contains(&bytes, p.as_bytes()))
    {
        return Err(binary_error(format!(
            "it contains the local path {leak}; the build must remap it with --remap-path-prefix"
        ))
        .into());
    }
    let mut entries = vec![match packaging {
        "lambda-bootstrap" => Entry::executable("bootstrap", bytes),
        "executable" => Entry::executable(binary, bytes),
        other => {
            return Err(AssetError::Manifest(format!(
                "asset {asset} has the Rust packaging '{other}'"
            )))
        }
    }];
    for file in rust["bundled_files"].as_array().into_iter().flatten() {
        let source = field(file, "source", asset)?;
        let name = field(file, "name", asset)?;
        entries.push(Entry::file(name, read(&crate_dir.join(source))?));
    }
    let zip = archive::deterministic_zip(entries).map_err(binary_error)?;
    Ok((zip, needed.map(|v| v.to_string())))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}

/// Removes the `ignored` variables from the build's environment, then sets
/// `set`: in that order, so that a variable both ignored from the caller and
/// set here (RUSTFLAGS, which carries the path remapping) keeps this value.
fn build_environment(command: &mut Command, ignored: &[String], set: &[(&str, &std::ffi::OsStr)]) {
    for name in ignored {
        command.env_remove(name);
    }
    for (name, value) in set {
        command.env(name, value);
    }
}

/// The `rustflags` of the workspace's cargo configuration (`.cargo/config`,
/// which cargo prefers when both exist, else `.cargo/config.toml`:
/// [`CARGO_CONFIG_FILES`](streamcdk_core::asset::rust::CARGO_CONFIG_FILES))
/// for `target`: `target.<triple>.rustflags`, else `build.rustflags`, as a
/// string or an array, the order cargo reads them in when RUSTFLAGS is unset.
/// `target.<cfg>` tables and configuration outside the workspace are not
/// read. <https://doc.rust-lang.org/cargo/reference/config.html#buildrustflags>
///
/// # Errors
/// A configuration file that is not TOML, or flags that are neither a string
/// nor an array of strings.
fn config_rustflags(workspace: &Path, target: &str) -> Result<String, String> {
    let Some(path) = streamcdk_core::asset::rust::CARGO_CONFIG_FILES
        .iter()
        .map(|name| workspace.join(name))
        .find(|p| p.is_file())
    else {
        return Ok(String::new());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let config: toml::Table = text
        .parse()
        .map_err(|e| format!("{} is not valid TOML: {e}", path.display()))?;
    let flags = config
        .get("target")
        .and_then(|t| t.get(target))
        .and_then(|t| t.get("rustflags"))
        .or_else(|| config.get("build").and_then(|b| b.get("rustflags")));
    match flags {
        None => Ok(String::new()),
        Some(toml::Value::String(flags)) => Ok(flags.trim().to_owned()),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    format!(
                        "{}: rustflags holds a value that is not a string",
                        path.display()
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|flags| flags.join(" ")),
        Some(_) => Err(format!(
            "{}: rustflags is neither a string nor an array of strings",
            path.display()
        )),
    }
}

/// The environment variables that change what a release build makes but are
/// not part of a Rust asset's key (which covers the workspace's `[profile]`
/// tables and `.cargo/config.toml`): the packaging build runs without them,
/// so the zip uploaded under a key is the one that key describes. Other
/// profiles' variables (the test command sets the dev profile's for its
/// debug builds) do not touch a release build and stay.
/// <https://doc.rust-lang.org/cargo/reference/environment-variables.html#configuration-environment-variables>
fn ignored_build_variables(names: impl Iterator<Item = std::ffi::OsString>) -> Vec<String> {
    let mut ignored: Vec<String> = names
        .filter_map(|name| name.into_string().ok())
        .filter(|name| {
            matches!(
                name.as_str(),
                "RUSTFLAGS"
                    | "CARGO_ENCODED_RUSTFLAGS"
                    | "CARGO_BUILD_RUSTFLAGS"
                    | "CARGO_INCREMENTAL"
                    | "RUSTC_WORKSPACE_WRAPPER"
            ) || name.starts_with("CARGO_PROFILE_RELEASE_")
                || (name.starts_with("CARGO_TARGET_")
                    && (name.ends_with("_RUSTFLAGS") || name.ends_with("_LINKER")))
        })
        .collect();
    ignored.sort();
    ignored
}

#[cfg(test)]
mod tests {
    use super::ignored_build_variables;

    #[test]
    fn build_variables_outside_the_asset_key_are_ignored_and_others_kept() {
        let names = [
            "PATH",
            "RUSTFLAGS",
            "CARGO_PROFILE_RELEASE_LTO",
            "CARGO_PROFILE_RELEASE_BUILD_OVERRIDE_OPT_LEVEL",
            "CARGO_PROFILE_DEV_DEBUG",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
            "CARGO_TARGET_DIR",
            "CARGO_HOME",
            "CARGO_LAMBDA",
            "CARGO_INCREMENTAL",
            "RUSTC_WORKSPACE_WRAPPER",
            "RUSTC_WRAPPER",
        ];
        assert_eq!(
            ignored_build_variables(names.iter().map(|n| n.into())),
            [
                "CARGO_BUILD_RUSTFLAGS",
                "CARGO_ENCODED_RUSTFLAGS",
                "CARGO_INCREMENTAL",
                "CARGO_PROFILE_RELEASE_BUILD_OVERRIDE_OPT_LEVEL",
                "CARGO_PROFILE_RELEASE_LTO",
                "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
                "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
                "RUSTC_WORKSPACE_WRAPPER",
                "RUSTFLAGS",
            ]
        );
    }

    #[test]
    fn the_remapping_survives_a_rustflags_of_the_caller() {
        let mut command = std::process::Command::new("cargo-lambda");
        let ignored = super::ignored_build_variables(
            ["RUSTFLAGS", "CARGO_PROFILE_RELEASE_LTO"]
                .iter()
                .map(|n| n.into()),
        );
        let remap = std::ffi::OsStr::new("--remap-path-prefix=/work=/workspace");
        super::build_environment(&mut command, &ignored, &[("RUSTFLAGS", remap)]);
        let envs: Vec<_> = command.get_envs().collect();
        assert!(
            envs.contains(&(std::ffi::OsStr::new("RUSTFLAGS"), Some(remap))),
            "{envs:?}"
        );
        assert!(
            envs.contains(&(std::ffi::OsStr::new("CARGO_PROFILE_RELEASE_LTO"), None)),
            "{envs:?}"
        );
    }

    #[test]
    fn the_workspace_configurations_rustflags_are_read_for_the_target() {
        let dir =
            std::env::temp_dir().join(format!("streamcdk-config-rustflags-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".cargo")).unwrap();
        let target = "x86_64-unknown-linux-gnu";
        assert_eq!(super::config_rustflags(&dir, target).unwrap(), "");
        let config = dir.join(".cargo/config.toml");
        std::fs::write(
            &config,
            "[build]\nrustflags = [\"-C\", \"target-cpu=haswell\"]\n",
        )
        .unwrap();
        assert_eq!(
            super::config_rustflags(&dir, target).unwrap(),
            "-C target-cpu=haswell"
        );
        // The target's table wins over [build], as in cargo.
        std::fs::write(
            &config,
            "[build]\nrustflags = \"-C opt-level=2\"\n[target.x86_64-unknown-linux-gnu]\nrustflags = \"-C target-feature=+avx2\"\n",
        )
        .unwrap();
        assert_eq!(
            super::config_rustflags(&dir, target).unwrap(),
            "-C target-feature=+avx2"
        );
        assert_eq!(
            super::config_rustflags(&dir, "aarch64-unknown-linux-gnu").unwrap(),
            "-C opt-level=2"
        );
        std::fs::write(&config, "[build]\nrustflags = 5\n").unwrap();
        assert!(super::config_rustflags(&dir, target)
            .unwrap_err()
            .contains("neither a string"));
        std::fs::write(&config, "[build\n").unwrap();
        assert!(super::config_rustflags(&dir, target)
            .unwrap_err()
            .contains("not valid TOML"));
        // With both files, cargo reads `.cargo/config`, and so does this.
        std::fs::write(&config, "[build]\nrustflags = \"-C opt-level=1\"\n").unwrap();
        std::fs::write(
            dir.join(".cargo/config"),
            "[build]\nrustflags = \"-C opt-level=3\"\n",
        )
        .unwrap();
        assert_eq!(
            super::config_rustflags(&dir, target).unwrap(),
            "-C opt-level=3"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
