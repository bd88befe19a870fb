//! Synthesis: from a [`Stack`] to a CloudFormation template, with every check.
//!
//! Synth resolves handles to names, derives logical IDs, applies scope tags,
//! lays the template out in CloudFormation's usual section order, then runs
//! the template checks of [`crate::checks`] over the result. It returns every
//! error at once, or the template with its warnings.
//!
//! One phase per function: names (`names`: the stack name, section names,
//! logical IDs), the sections in CloudFormation's order (`sections`, with
//! references resolved by `resolve` and scope tags merged by `tags`),
//! then the template checks.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::asset::manifest_json;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Template;
use crate::stack::Stack;

mod names;
mod resolve;
mod sections;
mod tags;

use resolve::{RefMode, Resolver};

/// The template format version written into every template.
pub const TEMPLATE_FORMAT_VERSION: &str = "2010-09-09";

/// A synthesized stack: the template, the warnings found, and the asset manifest.
#[derive(Debug, Clone)]
pub struct Synthesized {
    /// The stack name.
    pub name: String,
    /// The template.
    pub template: Template,
    /// Warnings (synth succeeded despite them).
    pub warnings: Vec<Diagnostic>,
    /// The asset manifest (`{"version": 1, "stack": ..., "assets": [...]}`).
    pub asset_manifest: Value,
    /// Logical ID of each resource by construct path (`Stack/Scope/Id`).
    pub logical_ids: BTreeMap<String, String>,
}

impl Synthesized {
    /// Writes `<dir>/<name>.template.json` and `<dir>/<name>.assets.json`
    /// and returns the template's path.
    pub fn write_to(&self, dir: impl AsRef<Path>) -> std::io::Result<PathBuf> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let template_path = dir.join(format!("{}.template.json", self.name));
        std::fs::write(&template_path, self.template.json_str())?;
        let manifest =
            serde_json::to_string_pretty(&self.asset_manifest).map_err(std::io::Error::other)?;
        std::fs::write(
            dir.join(format!("{}.assets.json", self.name)),
            manifest + "\n",
        )?;
        Ok(template_path)
    }
}

/// Synthesizes stacks that are deployed together (one account and Region),
/// each with every check of [`Stack::synth`], then checks what they share:
///
/// - `output/duplicate-export-across-stacks`: two stacks exporting one name
///   (export names are unique per account and Region:
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>).
///   A name is compared when synth can know it: a literal, or an `Fn::Sub`
///   of literal text and pseudo parameters, `${AWS::StackName}` being the
///   stack's name;
/// - `stack/duplicate-name`: two stacks with one name (stack names are unique
///   per account and Region too).
///
/// # Errors
/// Every error of every stack, and the cross-stack errors, with the warnings
/// found alongside.
pub fn synth_all(stacks: &[&Stack]) -> Result<Vec<Synthesized>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut done = Vec::with_capacity(stacks.len());
    for stack in stacks {
        match stack.synth() {
            Ok(s) => done.push(s),
            Err(d) => diags.extend(d),
        }
    }
    check_across_stacks(done, diags)
}

/// The checks of [`synth_all`] across stacks (`stack/duplicate-name`,
/// `output/duplicate-export-across-stacks`), over stacks synthesized one by
/// one: for a caller that synthesizes each stack as soon as it is built and
/// drops the stack then (the `synth --all` command does, so that its memory
/// holds one stack at a time), with the errors its own synths returned
/// (`diags`).
///
/// # Errors
/// `diags`' errors and the cross-stack errors, with every warning of `done`.
pub fn check_across_stacks(
    done: Vec<Synthesized>,
    mut diags: Diagnostics,
) -> Result<Vec<Synthesized>, Diagnostics> {
    let mut names: HashMap<&str, ()> = HashMap::new();
    let mut exports: HashMap<String, String> = HashMap::new();
    for s in &done {
        if names.insert(s.name.as_str(), ()).is_some() {
            diags.error(
                "stack/duplicate-name",
                &s.name,
                format!(
                    "two stacks are named '{}'; stack names are unique per account and Region",
                    s.name
                ),
            );
            continue;
        }
        let Some(outputs) = s.template.value().get("Outputs").and_then(Value::as_object) else {
            continue;
        };
        for (output, body) in outputs {
            let Some(name) = body.get("Export").and_then(|e| e.get("Name")) else {
                continue;
            };
            let Some(resolved) = crate::checks::resolved_export_name(name, &s.name) else {
                continue;
            };
            let at = format!("{}/Outputs/{output}", s.name);
            if let Some(first) = exports.get(&resolved) {
                diags.error(
                    "output/duplicate-export-across-stacks",
                    &at,
                    format!("export name '{resolved}' is already exported by {first}; export names are unique per account and Region"),
                );
            } else {
                exports.insert(resolved, at);
            }
        }
    }
    if diags.has_errors() {
        for s in &done {
            for w in &s.warnings {
                diags.push(w.clone());
            }
        }
        return Err(diags);
    }
    Ok(done)
}

impl Stack {
    /// Synthesizes the template. Returns every error found (with the warnings
    /// found alongside), or the template with its warnings.
    pub fn synth(&self) -> Result<Synthesized, Diagnostics> {
        self.apply_aspects();
        let data = self.data();
        let mut diags = Diagnostics::new();
        names::check_stack_name(&data.name, &mut diags);
        let stack_path = data.name.clone();
        names::check_section_names(&data, &mut diags);

        let paths: Vec<String> = data
            .resources
            .iter()
            .map(|r| format!("{stack_path}/{}", r.path.join("/")))
            .collect();
        let resource_ids = names::logical_ids(&data, self.id, &paths, &mut diags);

        let mut template = Map::new();
        sections::header(&data, &mut template);
        let mut resolver = Resolver {
            data: &data,
            stack_id: self.id,
            resource_ids: &resource_ids,
            mode: RefMode::LogicalId,
            diags: &mut diags,
        };
        sections::rules(&mut resolver, &mut template);
        sections::mappings_conditions_transform(&mut resolver, &mut template);
        sections::resources(&mut resolver, &paths, &mut template);
        sections::outputs(&mut resolver, &mut template);

        let template = Value::Object(template);
        let resource_paths: HashMap<&str, &str> = resource_ids
            .iter()
            .zip(&paths)
            .map(|(id, p)| (id.as_str(), p.as_str()))
            .collect();
        crate::checks::check_template(&template, &stack_path, &resource_paths, &data, &mut diags);
        let context = crate::checks::CheckContext {
            template: &template,
            stack_path: &stack_path,
            resource_paths: &resource_paths,
        };
        for check in &data.checks {
            check.check(&context, &mut diags);
        }
        crate::checks::check_unchecked_types(
            template
                .get("Resources")
                .and_then(Value::as_object)
                .unwrap_or(&Map::new()),
            &data.checks,
            &|id| context.resource_path(id),
            &mut diags,
        );
        let template = Template::new(template);
        crate::checks::check_size(&template, &stack_path, &mut diags);
        crate::asset::check_locations(
            &data.asset_bucket,
            &data.asset_key_prefix,
            &data.assets,
            &mut diags,
        );

        if diags.has_errors() {
            return Err(diags);
        }
        let logical_ids = paths.into_iter().zip(resource_ids).collect();
        Ok(Synthesized {
            name: data.name.clone(),
            template,
            warnings: diags.into_vec(),
            asset_manifest: manifest_json(&data.name, &data.asset_bucket, &data.assets),
            logical_ids,
        })
    }
}
