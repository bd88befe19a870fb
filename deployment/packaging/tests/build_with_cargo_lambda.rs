//! Packaging a real Rust crate with cargo-lambda: a throwaway workspace with
//! one dependency-free binary, synthesized as a Lambda asset and as an
//! executable asset with a bundled file, built twice into separate build
//! folders (two real builds), and checked: byte-identical zips, `bootstrap`
//! mode 0755, data 0644, glibc no newer than 2.34, no local paths.
//!
//! Needs cargo-lambda and ziglang (`bash scripts/test.sh` installs the pinned
//! pair into .venv). Without them the test says so and passes, unless
//! `STREAMCDK_REQUIRE_CARGO_LAMBDA` is set (the test command sets it).

use std::io::Read;
use std::path::{Path, PathBuf};

use streamcdk_core::{AssetSource, Stack};
use streamcdk_packaging::{glibc::GlibcVersion, package_manifest_value, PackageOptions};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cargo_lambda() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CARGO_LAMBDA").map(PathBuf::from),
        Some(workspace_root().join(".venv/bin/cargo-lambda")),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("STREAMCDK_REQUIRE_CARGO_LAMBDA").is_none(),
            "cargo-lambda is required (STREAMCDK_REQUIRE_CARGO_LAMBDA is set) and is not in .venv/bin or $CARGO_LAMBDA"
        );
        eprintln!("SKIPPED: cargo-lambda not installed; run `bash scripts/test.sh`, which installs it into .venv");
    }
    found
}

/// A workspace `hello` with a binary that reads its bundled file.
fn scratch_workspace() -> PathBuf {
    let root = std::env::temp_dir().join(format!("streamcdk-packaging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("hello/src")).unwrap();
    std::fs::create_dir_all(root.join("hello/data")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"hello\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("hello/Cargo.toml"),
        "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("hello/src/main.rs"),
        "fn main() {\n    let file = std::env::args().nth(1).unwrap_or_default();\n    match std::fs::read_to_string(&file) {\n        Ok(text) => println!(\"{}\", text.len()),\n        Err(e) => panic!(\"cannot read {file}: {e}\"),\n    }\n}\n",
    )
    .unwrap();
    std::fs::write(root.join("hello/data/sample.txt"), "sample\n").unwrap();
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .unwrap();
    let version = String::from_utf8(rustc.stdout).unwrap();
    std::fs::write(
        root.join(".rust-toolchain-version"),
        version.split_whitespace().nth(1).unwrap(),
    )
    .unwrap();
    let lock = std::process::Command::new(env!("CARGO"))
        .args(["generate-lockfile", "--offline"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(lock.success());
    root
}

fn read_zip(path: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (
                file.name().to_owned(),
                file.unix_mode().unwrap() & 0o7777,
                bytes,
            )
        })
        .collect()
}

#[test]
fn rust_assets_build_into_identical_zips_with_an_executable_bootstrap_for_glibc_2_34() {
    let Some(cargo_lambda) = cargo_lambda() else {
        return;
    };
    let root = scratch_workspace();
    let stack = Stack::new("Packaging");
    let lambda = stack
        .root()
        .add_asset(
            "Handler",
            AssetSource::rust_lambda(root.join("hello"), "hello"),
        )
        .unwrap();
    let executable = stack
        .root()
        .add_asset(
            "Producer",
            AssetSource::rust_executable(root.join("hello"), "hello")
                .with_bundled_file("data/sample.txt", "sample.txt"),
        )
        .unwrap();
    let manifest = stack.synth().unwrap().asset_manifest;

    let run = |n: u32| {
        let options = PackageOptions {
            out_dir: root.join(format!("out-{n}")),
            cargo_lambda: Some(cargo_lambda.clone()),
            build_dir: Some(root.join(format!("build-{n}"))),
        };
        package_manifest_value(&manifest, Path::new("Packaging.assets.json"), &options).unwrap()
    };
    let first = run(1);
    let second = run(2);
    assert_eq!(first.len(), 2);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.key, b.key);
        assert_eq!(
            std::fs::read(&a.file).unwrap(),
            std::fs::read(&b.file).unwrap(),
            "two builds of {} gave different archives",
            a.path
        );
        let needed = GlibcVersion::parse(a.glibc_needed.as_deref().unwrap()).unwrap();
        assert!(needed <= GlibcVersion::parse("2.34").unwrap(), "{needed}");
    }
    assert_eq!(Some(first[0].key.as_str()), lambda.key.node().as_str());
    assert_eq!(Some(first[1].key.as_str()), executable.key.node().as_str());

    let handler = read_zip(&first[0].file);
    assert_eq!(handler.len(), 1);
    assert_eq!((handler[0].0.as_str(), handler[0].1), ("bootstrap", 0o755));
    assert_eq!(&handler[0].2[..4], b"\x7fELF");
    let root_text = root.display().to_string();
    assert!(
        !handler[0]
            .2
            .windows(root_text.len())
            .any(|w| w == root_text.as_bytes()),
        "the binary carries the local path {root_text}"
    );

    let producer = read_zip(&first[1].file);
    let layout: Vec<_> = producer.iter().map(|(n, m, _)| (n.as_str(), *m)).collect();
    assert_eq!(layout, vec![("hello", 0o755), ("sample.txt", 0o644)]);
    let _ = std::fs::remove_dir_all(&root);
}
