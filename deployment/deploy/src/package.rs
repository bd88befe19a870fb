//! `deploy package <pattern | --all> --out DIR`: the templates and asset
//! zips in the layout of the original solution's build, for publishing by
//! other means (`aws s3 sync`):
//!
//! - `DIR/global-s3-assets/<stack>.template`: each template (JSON);
//! - `DIR/regional-s3-assets/<key>`: each asset at its key
//!   (`assets/<hash>.zip`), so syncing the folder to the asset bucket's root
//!   puts every object where the templates look for it.

use std::path::{Path, PathBuf};

use crate::DeployError;

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The templates.
    pub templates: Vec<PathBuf>,
    /// The asset files.
    pub assets: Vec<PathBuf>,
}

/// Packages the named catalog stacks (or all) into `out`.
///
/// # Errors
/// An unknown stack, a synth error, a packaging or I/O failure.
pub fn package(patterns: &[String], all: bool, out: &Path) -> Result<Written, DeployError> {
    let entries: Vec<_> = if all {
        streamcdk_synth::catalog().iter().collect()
    } else {
        patterns
            .iter()
            .map(|p| crate::run::find_pattern(p))
            .collect::<Result<_, _>>()?
    };
    if entries.is_empty() {
        return Err(DeployError::Usage(
            "nothing to package: name stacks or pass --all".into(),
        ));
    }
    let global = out.join("global-s3-assets");
    let regional = out.join("regional-s3-assets");
    std::fs::create_dir_all(&global).map_err(|e| DeployError::io(global.display(), e))?;
    std::fs::create_dir_all(&regional).map_err(|e| DeployError::io(regional.display(), e))?;
    let mut written = Written::default();
    for entry in entries {
        let synthesized = crate::run::synthesize(entry, "")?;
        let path = global.join(format!("{}.template", synthesized.name));
        std::fs::write(&path, synthesized.template.to_json())
            .map_err(|e| DeployError::io(path.display(), e))?;
        written.templates.push(path);
        let options = streamcdk_packaging::PackageOptions {
            out_dir: regional.clone(),
            ..Default::default()
        };
        let origin = PathBuf::from(format!("{}.assets.json", synthesized.name));
        for asset in streamcdk_packaging::package_manifest_value(
            &synthesized.asset_manifest,
            &origin,
            &options,
        )? {
            written.assets.push(asset.file);
        }
    }
    Ok(written)
}
