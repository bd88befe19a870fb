//! The commands, from parsed arguments to results.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use streamcdk_core::Synthesized;
use streamcdk_synth::CatalogEntry;

use crate::aws::{self, Connection};
use crate::cli::{ChangeSetArgs, Cli, Command, SourceArgs};
use crate::publish;
use crate::stack::{ChangeSetRequest, Deployer, Interrupt, UpOptions};
use crate::ui::Ui;
use crate::DeployError;

/// A template to deploy, with its asset manifest.
#[derive(Debug, Clone)]
pub struct Source {
    /// The stack name it was synthesized as (or the file's name).
    pub name: String,
    /// The template text, as uploaded.
    pub text: String,
    /// The template.
    pub template: Value,
    /// The asset manifest, if any.
    pub manifest: Option<Value>,
    /// The manifest's file (or a name for a synthesized one), for messages.
    pub origin: PathBuf,
}

/// A catalog entry by name.
///
/// # Errors
/// [`DeployError::Usage`] naming the known stacks.
pub fn find_pattern(name: &str) -> Result<&'static CatalogEntry, DeployError> {
    streamcdk_synth::find(name).ok_or_else(|| {
        let known: Vec<_> = streamcdk_synth::catalog()
            .iter()
            .map(|e| e.short_name)
            .collect();
        DeployError::Usage(format!(
            "unknown stack '{name}'; known: {}",
            known.join(", ")
        ))
    })
}

/// Builds and synthesizes a catalog stack; a non-empty `prefix` goes before
/// its asset keys (`<prefix>assets/<hash>.zip`).
///
/// # Errors
/// The stack's errors.
pub fn synthesize(entry: &CatalogEntry, prefix: &str) -> Result<Synthesized, DeployError> {
    // The prefix is in place before the stack adds its assets: the template
    // refers to each asset's key from then on.
    let key_prefix = (!prefix.is_empty()).then(|| {
        format!(
            "{prefix}{}",
            streamcdk_core::asset::DEFAULT_ASSET_KEY_PREFIX
        )
    });
    let stack = streamcdk_core::with_asset_location(None, key_prefix, entry.build)
        .map_err(|d| DeployError::Usage(format!("{}: {d}", entry.short_name)))?;
    stack
        .synth()
        .map_err(|d| DeployError::Usage(format!("{}: {d}", entry.short_name)))
}

/// A template file, JSON or YAML (as CloudFormation reads either): its text,
/// uploaded as it is, and its document as JSON, for its parameters,
/// capabilities and the offline diff.
fn read_template(path: &Path) -> Result<(String, Value), DeployError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| DeployError::Usage(format!("cannot read template {}: {e}", path.display())))?;
    let value =
        streamcdk_core::import::template_json(&path.display().to_string(), &text).map_err(|e| {
            let problems: Vec<String> = e
                .problems
                .iter()
                .map(|(d, pos)| {
                    format!(
                        "{}:{}:{}: {}",
                        path.display(),
                        pos.line,
                        pos.column,
                        d.message
                    )
                })
                .collect();
            DeployError::Usage(format!(
                "template {} is not JSON or YAML CloudFormation reads: {}",
                path.display(),
                problems.join("; ")
            ))
        })?;
    Ok((text, value))
}

fn read_json(path: &Path, what: &str) -> Result<(String, Value), DeployError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| DeployError::Usage(format!("cannot read {what} {}: {e}", path.display())))?;
    let value = serde_json::from_str(&text)
        .map_err(|e| DeployError::Usage(format!("{what} {} is not JSON: {e}", path.display())))?;
    Ok((text, value))
}

/// The template and manifest `args` name.
///
/// # Errors
/// Neither or an unknown pattern, an unreadable file.
pub fn load_source(args: &SourceArgs, prefix: &str) -> Result<Source, DeployError> {
    if let Some(pattern) = &args.pattern {
        let synthesized = synthesize(find_pattern(pattern)?, prefix)?;
        let has_assets = synthesized.asset_manifest["assets"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        return Ok(Source {
            origin: PathBuf::from(format!("{}.assets.json", synthesized.name)),
            text: synthesized.template.to_json(),
            template: synthesized.template.value().clone(),
            manifest: has_assets.then(|| synthesized.asset_manifest.clone()),
            name: synthesized.name,
        });
    }
    let Some(template) = &args.template else {
        return Err(DeployError::Usage(
            "name a pattern (see `synth list`) or pass --template FILE".into(),
        ));
    };
    let (text, value) = read_template(template)?;
    let file_name = template
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file_name
        .strip_suffix(".template.json")
        .or_else(|| file_name.strip_suffix(".json"))
        .or_else(|| file_name.strip_suffix(".template"))
        .unwrap_or(&file_name)
        .to_owned();
    let manifest_path = args.assets.clone().or_else(|| {
        let beside = template.with_file_name(format!("{stem}.assets.json"));
        beside.is_file().then_some(beside)
    });
    let manifest = match &manifest_path {
        Some(path) => Some(read_json(path, "asset manifest")?.1),
        None => None,
    };
    Ok(Source {
        name: stem,
        text,
        template: value,
        manifest,
        origin: manifest_path.unwrap_or_default(),
    })
}

/// Publishes the source (assets, template) and returns the change set request.
///
/// # Errors
/// Missing `--bucket`, packaging or upload failures.
pub async fn publish_source(
    deployer: &Deployer,
    source: &Source,
    args: &ChangeSetArgs,
    recreate: bool,
) -> Result<ChangeSetRequest, DeployError> {
    let bucket = args
        .bucket
        .clone()
        .ok_or_else(|| DeployError::Usage("--bucket BUCKET is required".into()))?;
    let stack_name = args
        .stack_name
        .clone()
        .unwrap_or_else(|| source.name.clone());
    let mut parameters = args.parameters.clone();
    if let Some(manifest) = &source.manifest {
        if let Some(parameter) = publish::asset_bucket_parameter(manifest) {
            if !parameters.iter().any(|(k, _)| *k == parameter) {
                parameters.push((parameter, bucket.clone()));
            }
        }
        let staging = publish::staging_dir();
        let (manifest, origin, dir, default_bucket) = (
            manifest.clone(),
            source.origin.clone(),
            staging.clone(),
            bucket.clone(),
        );
        let uploads = tokio::task::spawn_blocking(move || {
            publish::package(&manifest, &origin, &dir, &default_bucket)
        })
        .await
        .map_err(|e| DeployError::Usage(format!("packaging stopped: {e}")))??;
        let result = publish::upload_assets(
            &deployer.clients.s3,
            &uploads,
            deployer.backoff,
            &deployer.ui,
        )
        .await;
        let _ = std::fs::remove_dir_all(&staging);
        result?;
    }
    let key = publish::template_key(&args.prefix, &stack_name, &source.text);
    let url = publish::upload_template(
        &deployer.clients.s3,
        &bucket,
        &deployer.clients.region,
        &key,
        &source.text,
        deployer.backoff,
    )
    .await?;
    deployer.ui.info(format!(
        "template: {} bytes{} uploaded to s3://{bucket}/{key}, passed as {url}",
        source.text.len(),
        if source.text.len() > publish::INLINE_TEMPLATE_LIMIT {
            " (over the 51,200-byte inline limit)"
        } else {
            ""
        }
    ));
    Ok(ChangeSetRequest {
        stack_name,
        template_url: url,
        template: source.template.clone(),
        parameters,
        tags: args.tags.clone(),
        recreate,
    })
}

fn write_outputs(path: &Path, outputs: &BTreeMap<String, String>) -> Result<(), DeployError> {
    let text = serde_json::to_string_pretty(outputs).expect("strings serialize");
    std::fs::write(path, text + "\n").map_err(|e| DeployError::io(path.display(), e))
}

/// Runs one command.
///
/// # Errors
/// See [`DeployError`]; [`DeployError::exit_code`] gives the exit code.
pub async fn run(cli: Cli, ui: Ui, mut interrupt: Interrupt) -> Result<(), DeployError> {
    // The commands without AWS.
    match &cli.command {
        Command::Diff(diff) if diff.offline => {
            let against = diff.against.as_ref().expect("clap requires --against");
            let (_, old) = read_template(against)?;
            let source = load_source(&diff.source, &diff.change_set.prefix)?;
            crate::offline::offline_diff(
                &old,
                &source.template,
                &diff.change_set.allow_replace,
                &ui,
            )?;
            return Ok(());
        }
        Command::Package(args) => {
            let written = crate::package::package(&args.patterns, args.all, &args.out)?;
            for t in &written.templates {
                ui.info(format!("template {}", t.display()));
            }
            for a in &written.assets {
                ui.info(format!("asset {}", a.display()));
            }
            ui.out(format!(
                "{} template(s) and {} asset(s) in {}",
                written.templates.len(),
                written.assets.len(),
                args.out.display()
            ));
            return Ok(());
        }
        _ => {}
    }
    // Read the inputs before connecting: a usage error needs no AWS.
    let source = match &cli.command {
        Command::Up(up) => Some(load_source(&up.source, &up.change_set.prefix)?),
        Command::Diff(diff) => Some(load_source(&diff.source, &diff.change_set.prefix)?),
        _ => None,
    };
    let connection = Connection {
        region: cli.connection.region.clone(),
        profile: cli.connection.profile.clone(),
        endpoint_url: cli.connection.endpoint_url.clone(),
    };
    let deployer = Deployer::new(aws::clients(&connection).await?, ui.clone());
    match cli.command {
        Command::Up(up) => {
            let source = source.expect("read above");
            let request = publish_source(&deployer, &source, &up.change_set, up.recreate).await?;
            let options = UpOptions {
                allow_replace: up.change_set.allow_replace.clone(),
                yes: up.yes,
                start_flink: up.start_flink,
            };
            let outcome = deployer.up(&request, &options, &mut interrupt).await?;
            let outputs = match outcome {
                crate::stack::UpOutcome::NoChanges => {
                    // Nothing executed: the stack is as asked; Flink
                    // applications may still be stopped.
                    if up.start_flink {
                        deployer.start_flink(&request.stack_name).await?;
                    }
                    if up.outputs_file.is_some() {
                        Some(deployer.outputs(&request.stack_name).await?)
                    } else {
                        None
                    }
                }
                crate::stack::UpOutcome::Done { outputs, .. } => Some(outputs),
            };
            if let (Some(path), Some(outputs)) = (&up.outputs_file, &outputs) {
                write_outputs(path, outputs)?;
            }
            Ok(())
        }
        Command::Diff(diff) => {
            let source = source.expect("read above");
            let request = publish_source(&deployer, &source, &diff.change_set, false).await?;
            deployer
                .diff(&request, &diff.change_set.allow_replace, diff.keep)
                .await?;
            Ok(())
        }
        Command::Outputs(args) => {
            let outputs = deployer.outputs(&args.name).await?;
            deployer.print_outputs(&args.name, &outputs);
            if let Some(path) = &args.outputs_file {
                write_outputs(path, &outputs)?;
            }
            Ok(())
        }
        Command::Wait(args) => {
            let stack = deployer
                .describe(&args.name)
                .await?
                .ok_or_else(|| DeployError::NoStack(args.name.clone()))?;
            let id = stack.stack_id().unwrap_or(&args.name).to_owned();
            let deleting = stack
                .stack_status()
                .is_some_and(|s| s.as_str().starts_with("DELETE"));
            let seen = deployer.seen_events(&id).await?;
            deployer.follow(&id, seen, deleting, &mut interrupt).await?;
            if !deleting {
                let outputs = deployer.outputs(&args.name).await?;
                deployer.print_outputs(&args.name, &outputs);
            }
            Ok(())
        }
        Command::Destroy(args) => {
            deployer.destroy(&args.name, args.yes).await?;
            Ok(())
        }
        Command::Package(_) => unreachable!("handled above"),
    }
}
