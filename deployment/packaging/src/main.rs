//! `package`: synthesizes stacks (or reads the manifests `synth --out`
//! wrote) and builds their code assets into deterministic zips.
//!
//! ```text
//! package pattern1 pattern4 --out DIR   templates, manifests and assets of those stacks
//! package --all --out DIR               every stack of the synth catalog
//! package --manifest A.assets.json --out DIR
//! ```
//! Each asset is written to `DIR/<key>` (`DIR/assets/<hash>.zip`), the
//! layout of the asset bucket.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use streamcdk_packaging::{package_manifest, package_manifest_value, PackageOptions};

#[derive(Parser, Debug)]
#[command(
    name = "package",
    about = "Builds the code assets of the project's stacks (or of asset manifests) into deterministic zips named by content hash"
)]
struct Cli {
    /// Stacks of the synth catalog to package (see `synth list`).
    stacks: Vec<String>,
    /// Every stack of the catalog.
    #[arg(long, conflicts_with = "stacks")]
    all: bool,
    /// Asset manifests written by `synth --out` (`<stack>.assets.json`).
    #[arg(long = "manifest", value_name = "FILE")]
    manifests: Vec<PathBuf>,
    /// Output folder: templates and manifests of synthesized stacks, and each asset at DIR/KEY (the asset's S3 key).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The cargo-lambda executable (default: $CARGO_LAMBDA, .venv/bin/cargo-lambda, PATH).
    #[arg(long, value_name = "PATH")]
    cargo_lambda: Option<PathBuf>,
    /// Where the release builds go (default: WORKSPACE/target/runtime).
    #[arg(long, value_name = "DIR")]
    build_dir: Option<PathBuf>,
}

fn run(cli: &Cli) -> Result<(), String> {
    let options = PackageOptions {
        out_dir: cli.out.clone(),
        cargo_lambda: cli.cargo_lambda.clone(),
        build_dir: cli.build_dir.clone(),
    };
    let entries: Vec<_> = if cli.all {
        streamcdk_synth::catalog().iter().collect()
    } else {
        cli.stacks
            .iter()
            .map(|name| {
                streamcdk_synth::find(name).ok_or_else(|| {
                    let known: Vec<_> = streamcdk_synth::catalog()
                        .iter()
                        .map(|e| e.short_name)
                        .collect();
                    format!("unknown stack '{name}'; known: {}", known.join(", "))
                })
            })
            .collect::<Result<_, _>>()?
    };
    if entries.is_empty() && cli.manifests.is_empty() {
        return Err("nothing to package: name stacks, --all, or --manifest FILE".into());
    }
    let mut count = 0;
    for entry in entries {
        let stack = (entry.build)().map_err(|d| format!("{}: {d}", entry.short_name))?;
        let synthesized = stack
            .synth()
            .map_err(|d| format!("{}: {d}", entry.short_name))?;
        let template = synthesized
            .write_to(&cli.out)
            .map_err(|e| format!("cannot write to {}: {e}", cli.out.display()))?;
        eprintln!("{}: wrote {}", entry.short_name, template.display());
        let origin = template.with_extension("").with_extension("assets.json");
        for asset in package_manifest_value(&synthesized.asset_manifest, &origin, &options)
            .map_err(|e| e.to_string())?
        {
            report(&asset);
            count += 1;
        }
    }
    for manifest in &cli.manifests {
        for asset in package_manifest(manifest, &options).map_err(|e| e.to_string())? {
            report(&asset);
            count += 1;
        }
    }
    eprintln!("{count} asset(s) packaged into {}", cli.out.display());
    Ok(())
}

fn report(asset: &streamcdk_packaging::PackagedAsset) {
    let glibc = asset
        .glibc_needed
        .as_deref()
        .map(|v| format!(", needs glibc {v}"))
        .unwrap_or_default();
    eprintln!(
        "{}: {} ({} bytes{glibc})",
        asset.path,
        asset.file.display(),
        asset.size
    );
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
