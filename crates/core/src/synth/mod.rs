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
    /// and returns the template's path. A file that already holds exactly
    /// these bytes is left as it is, modification time included (as `make`
    /// and cargo treat their outputs): a tool that watches the folder sees
    /// only real changes, and a re-synth that changes nothing writes nothing.
    ///
    /// # Errors
    /// The folder cannot be created, or a file cannot be read or written.
    pub fn write_to(&self, dir: impl AsRef<Path>) -> std::io::Result<PathBuf> {
        write_files(
            dir.as_ref(),
            &self.name,
            self.template.json_str(),
            &manifest_text(&self.asset_manifest),
        )
    }

    /// What [`write_to`](Self::write_to) writes, as text, with the warnings:
    /// the template's value tree is dropped (its JSON text is taken, not
    /// copied). For a caller that keeps many stacks until it writes them:
    /// the text is a fraction of the tree's memory.
    pub fn into_files(self) -> SynthesizedFiles {
        SynthesizedFiles {
            asset_manifest_json: manifest_text(&self.asset_manifest),
            name: self.name,
            template_json: self.template.into_json(),
            warnings: self.warnings,
        }
    }
}

/// A synthesized stack as the text [`Synthesized::write_to`] writes
/// ([`Synthesized::into_files`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SynthesizedFiles {
    /// The stack name.
    pub name: String,
    /// The template's canonical JSON ([`Template::json_str`]).
    pub template_json: String,
    /// The asset manifest, pretty-printed, with a final newline.
    pub asset_manifest_json: String,
    /// Warnings (synth succeeded despite them).
    pub warnings: Vec<Diagnostic>,
}

impl SynthesizedFiles {
    /// Writes `<dir>/<name>.template.json` and `<dir>/<name>.assets.json`
    /// (the same bytes as [`Synthesized::write_to`], and like it leaving a
    /// file that already holds them untouched) and returns the template's
    /// path.
    ///
    /// # Errors
    /// The folder cannot be created, or a file cannot be read or written.
    pub fn write_to(&self, dir: impl AsRef<Path>) -> std::io::Result<PathBuf> {
        write_files(
            dir.as_ref(),
            &self.name,
            &self.template_json,
            &self.asset_manifest_json,
        )
    }
}

fn manifest_text(manifest: &Value) -> String {
    crate::output::pretty_with_newline(manifest, 4096)
}

fn write_files(
    dir: &Path,
    name: &str,
    template_json: &str,
    manifest_json: &str,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let template_path = dir.join(format!("{name}.template.json"));
    write_if_changed(&template_path, template_json.as_bytes())?;
    write_if_changed(
        &dir.join(format!("{name}.assets.json")),
        manifest_json.as_bytes(),
    )?;
    Ok(template_path)
}

/// Writes `contents` to `path` unless the file there already holds exactly
/// these bytes. Besides keeping modification times, this skips a cost of
/// rewriting: ext4 (with its default `auto_da_alloc`) starts writing a
/// truncated-and-rewritten file back to disk when it is closed, which took
/// `synth --all` from 9 to 11 ms on this project's machine.
fn write_if_changed(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if same_contents(path, contents).unwrap_or(false) {
        return Ok(());
    }
    std::fs::write(path, contents)
}

/// Whether the regular file at `path` holds exactly `contents`, compared
/// through the thread's read buffer (no copy of the file is kept).
fn same_contents(path: &Path, contents: &[u8]) -> std::io::Result<bool> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() != contents.len() as u64 {
        return Ok(false);
    }
    crate::asset::with_read_buffer(|buffer| {
        let mut rest = contents;
        loop {
            let n = file.read(buffer)?;
            if n == 0 {
                // The file may have grown or shrunk since `metadata`.
                return Ok(rest.is_empty());
            }
            match rest.split_at_checked(n) {
                Some((head, tail)) if head == &buffer[..n] => rest = tail,
                _ => return Ok(false),
            }
        }
    })
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
/// one, with the errors their own synths returned (`diags`). For a caller
/// that holds the stacks; [`AcrossStacks`] takes one stack at a time.
///
/// # Errors
/// `diags`' errors and the cross-stack errors, with every warning of `done`.
pub fn check_across_stacks(
    done: Vec<Synthesized>,
    diags: Diagnostics,
) -> Result<Vec<Synthesized>, Diagnostics> {
    let mut across = AcrossStacks::default();
    for s in &done {
        across.add(s);
    }
    across.finish_with(diags, done.iter().flat_map(|s| &s.warnings))?;
    Ok(done)
}

/// The checks of [`synth_all`] across stacks, fed one synthesized stack at
/// a time, so that a caller can drop each stack's template once it has its
/// text (the `synth --all` command does, with [`Synthesized::into_files`]):
/// `stack/duplicate-name` and `output/duplicate-export-across-stacks`.
#[derive(Debug, Default)]
pub struct AcrossStacks {
    names: std::collections::BTreeSet<String>,
    /// Resolved export name → where it was first exported.
    exports: HashMap<String, String>,
    diags: Diagnostics,
}

impl AcrossStacks {
    /// Records `stack`'s name and export names, with an error for each one
    /// an earlier stack already has.
    pub fn add(&mut self, stack: &Synthesized) {
        if !self.names.insert(stack.name.clone()) {
            self.diags.error(
                "stack/duplicate-name",
                &stack.name,
                format!(
                    "two stacks are named '{}'; stack names are unique per account and Region",
                    stack.name
                ),
            );
            return;
        }
        let Some(outputs) = stack
            .template
            .value()
            .get("Outputs")
            .and_then(Value::as_object)
        else {
            return;
        };
        for (output, body) in outputs {
            let Some(name) = body.get("Export").and_then(|e| e.get("Name")) else {
                continue;
            };
            let Some(resolved) = crate::checks::resolved_export_name(name, &stack.name) else {
                continue;
            };
            let at = format!("{}/Outputs/{output}", stack.name);
            if let Some(first) = self.exports.get(&resolved) {
                self.diags.error(
                    "output/duplicate-export-across-stacks",
                    &at,
                    format!("export name '{resolved}' is already exported by {first}; export names are unique per account and Region"),
                );
            } else {
                self.exports.insert(resolved, at);
            }
        }
    }

    /// The errors found across the stacks added.
    pub fn finish(self) -> Diagnostics {
        self.diags
    }

    /// The errors found across the stacks added, with `diags` (the errors
    /// of the stacks' own synths): when there is any, every diagnostic and
    /// the `warnings` of the stacks that did synthesize, in one report.
    ///
    /// # Errors
    /// That report, when any stack or the checks across them found an error.
    pub fn finish_with<'a>(
        self,
        mut diags: Diagnostics,
        warnings: impl IntoIterator<Item = &'a Diagnostic>,
    ) -> Result<(), Diagnostics> {
        diags.extend(self.diags);
        if !diags.has_errors() {
            return Ok(());
        }
        for w in warnings {
            diags.push(w.clone());
        }
        Err(diags)
    }
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
        names::check_construct_ids(&data, &mut diags);

        let paths: Vec<String> = data
            .resources
            .iter()
            .map(|r| crate::stack::construct_path(&stack_path, &r.path, None))
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
        // What the rest needs from the stack, read now: the added checks run
        // with the stack unlocked, so that a check may reach the stack (a
        // `WeakStack` it keeps) without waiting on its own synth's lock.
        let checks = data.checks.clone();
        let mut location_diags = Diagnostics::new();
        crate::asset::check_locations(
            &data.asset_bucket,
            &data.asset_key_prefix,
            &data.assets,
            &mut location_diags,
        );
        let name = data.name.clone();
        let asset_manifest = manifest_json(&data.name, &data.asset_bucket, &data.assets);
        drop(data);

        let context = crate::checks::CheckContext {
            template: &template,
            stack_path: &stack_path,
            resource_paths: &resource_paths,
        };
        for check in &checks {
            check.check(&context, &mut diags);
        }
        crate::checks::check_unchecked_types(
            template
                .get("Resources")
                .and_then(Value::as_object)
                .unwrap_or(&Map::new()),
            &checks,
            &|id| context.resource_path(id),
            &mut diags,
        );
        let template = Template::new(template);
        crate::checks::check_size(&template, &stack_path, &mut diags);
        diags.extend(location_diags);

        if diags.has_errors() {
            return Err(diags);
        }
        let logical_ids = paths.into_iter().zip(resource_ids).collect();
        Ok(Synthesized {
            name,
            template,
            warnings: diags.into_vec(),
            asset_manifest,
            logical_ids,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_file_with_the_same_bytes_is_left_untouched_and_any_other_is_rewritten() {
        let dir =
            std::env::temp_dir().join(format!("streamcdk-write-if-changed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.json");
        // Longer than the comparison buffer, so that the loop runs more than once.
        let text: String = (0..150_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let old = SystemTime::now() - Duration::from_secs(3600);
        let age = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
        let set_old = |path: &Path| {
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(old).unwrap();
        };

        write_if_changed(&path, text.as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        set_old(&path);
        write_if_changed(&path, text.as_bytes()).unwrap();
        assert_eq!(age(&path), old, "the same bytes were rewritten");

        // The same length, one byte different at the end (past the first buffer).
        let mut changed = text.clone().into_bytes();
        *changed.last_mut().unwrap() = b'!';
        write_if_changed(&path, &changed).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), changed);
        assert_ne!(age(&path), old);

        // Shorter, longer, empty.
        for contents in [&text.as_bytes()[..10], text.as_bytes(), b"".as_slice()] {
            set_old(&path);
            write_if_changed(&path, contents).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), contents);
        }
        // A folder where the file should be is still an error.
        std::fs::create_dir_all(dir.join("sub.json")).unwrap();
        assert!(write_if_changed(&dir.join("sub.json"), b"{}").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
