//! `synth check FILE...`: imports each CloudFormation template
//! ([`streamcdk_core::import`]) and runs every synth-time check on it (the
//! core's template checks, and the registry-schema, service-limit, policy and
//! parameter-range checks of `streamcdk-resources`), as a fast stand-in for
//! cfn-lint in CI jobs and pre-commit hooks.
//!
//! Findings print as `file:line:column: code message (path)`, the position
//! being the item's (the resource, parameter, output ...) in the file when
//! known, else `1:1`. The exit status follows cfn-lint's convention: the
//! bitwise OR of 2 (an error), 4 (a warning) and 8 (an informational finding;
//! the checks have none yet), 0 when clean, 1 for a usage error or a file that
//! cannot be read.

use std::fmt::Write as _;

use serde_json::{json, Value};
use streamcdk_core::import::{self, Position};
use streamcdk_core::Severity;

use crate::directives;

/// Output format of `synth check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per finding: `file:line:column: code message (path)`.
    Text,
    /// A JSON array of findings (file, line, column, severity, code, message, path).
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// One finding of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file as given on the command line.
    pub file: String,
    /// Where in the file.
    pub position: Position,
    /// Error or warning.
    pub severity: Severity,
    /// The stable check code (`schema/enum`, `ref/dangling`, `import/syntax` ...).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Logical ID and property path (`Bucket/Properties/BucketName`), or the
    /// section item (`Parameters/Env`).
    pub path: String,
}

/// Codes that are errors when the library synthesizes a stack (a project
/// rule) but that CloudFormation deploys: reported as warnings by `check`,
/// as cfn-lint does (`depends-on/redundant` is cfn-lint's W3005).
pub const WARNING_IN_CHECK: [&str; 1] = ["depends-on/redundant"];

/// The stack name given to every imported template (stack names do not
/// appear in templates; a fixed valid one keeps `stack/name` quiet).
const STACK_NAME: &str = "template";

/// Every finding of one template's text, informational ones included (the
/// command shows those only with `--info`). `file` is only copied into the findings.
pub fn check_text(file: &str, text: &str) -> Vec<Finding> {
    let strip = |path: &str| -> String {
        path.strip_prefix(STACK_NAME)
            .map_or(path, |p| p.trim_start_matches('/'))
            .to_owned()
    };
    let (imported, problems) = match import::import_lenient(STACK_NAME, text) {
        Ok(i) => i,
        Err(e) => {
            return e
                .problems
                .into_iter()
                .map(|(d, position)| Finding {
                    file: file.to_owned(),
                    position,
                    severity: d.severity,
                    code: d.code,
                    path: strip(&d.path),
                    message: d.message,
                })
                .collect()
        }
    };
    let import_findings: Vec<Finding> = problems
        .into_iter()
        .map(|(d, position)| Finding {
            file: file.to_owned(),
            position,
            severity: d.severity,
            code: d.code,
            path: strip(&d.path),
            message: d.message,
        })
        .collect();
    streamcdk_resources::enable_schema_checks(&imported.stack);
    imported
        .stack
        .add_check(std::sync::Arc::new(HardcodedPartition));
    let diagnostics = match imported.stack.synth() {
        Ok(s) => s.warnings,
        Err(d) => d.into_vec(),
    };
    let mut findings: Vec<Finding> = diagnostics
        .into_iter()
        .map(|d| Finding {
            file: file.to_owned(),
            position: property_position(&imported, &d.path, &d.message)
                .unwrap_or_else(|| imported.position_of(&d.path)),
            severity: if WARNING_IN_CHECK.contains(&d.code) {
                Severity::Warning
            } else {
                d.severity
            },
            code: d.code,
            path: strip(&d.path),
            message: d.message,
        })
        .collect();
    findings.extend(import_findings);
    // cfn-lint's suppression directives (`Metadata: cfn-lint: config: ignore_checks`).
    let template_ignores = directives::ignore_checks(imported.stack.metadata("cfn-lint").as_ref());
    findings.retain(|f| {
        let logical_id = f.path.split('/').next().unwrap_or_default();
        let resource_ignores = imported
            .resource(logical_id)
            .map(|r| directives::ignore_checks(r.metadata("cfn-lint").as_ref()))
            .unwrap_or_default();
        !directives::suppresses(&template_ignores, f.code)
            && !directives::suppresses(&resource_ignores, f.code)
    });
    findings.sort_by_key(|f| f.position);
    findings
}

/// The informational check of `synth check --info` (cfn-lint's I3042): a
/// literal ARN in a resource property that names the partition `aws` instead
/// of `${AWS::Partition}`, so the template cannot deploy in the China or
/// GovCloud partitions. Only `check` adds it; synthesized stacks never carry it.
struct HardcodedPartition;

impl streamcdk_core::checks::TemplateCheck for HardcodedPartition {
    fn name(&self) -> &str {
        "streamcdk-synth/hardcoded-partition"
    }

    fn check(
        &self,
        context: &streamcdk_core::checks::CheckContext<'_>,
        diags: &mut streamcdk_core::Diagnostics,
    ) {
        fn first_arn(value: &Value) -> Option<String> {
            match value {
                Value::String(s) => s.find("arn:aws:").map(|i| {
                    s[i..]
                        .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                }),
                Value::Array(items) => items.iter().find_map(first_arn),
                Value::Object(map) => map.values().find_map(first_arn),
                _ => None,
            }
        }
        let Some(resources) = context.template.get("Resources").and_then(Value::as_object) else {
            return;
        };
        for (logical_id, body) in resources {
            let Some(properties) = body.get("Properties").and_then(Value::as_object) else {
                continue;
            };
            for (property, value) in properties {
                if let Some(arn) = first_arn(value) {
                    diags.push(streamcdk_core::Diagnostic::info(
                        "arn/hardcoded-partition",
                        context.resource_path(logical_id),
                        format!(
                            "Properties/{property}: '{arn}' names the partition 'aws'; write arn:${{AWS::Partition}}:... (Fn::Sub) so the template also deploys in the China (aws-cn) and GovCloud (aws-us-gov) partitions (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html#cfn-pseudo-param-partition)"
                        ),
                    ));
                }
            }
        }
    }
}

/// The position of the property a schema finding names (its message starts
/// with `Properties/<name>`), when the finding is about one resource.
fn property_position(imported: &import::Imported, path: &str, message: &str) -> Option<Position> {
    let id = path.strip_prefix(STACK_NAME)?.trim_start_matches('/');
    let property = message.strip_prefix("Properties/")?;
    let end = property
        .find(['/', ':', '[', ' '])
        .unwrap_or(property.len());
    imported
        .locations
        .get(&format!("Resources/{id}/Properties/{}", &property[..end]))
        .copied()
}

/// cfn-lint's exit status for these findings: 2 for any error OR 4 for any
/// warning OR 8 for any informational finding.
pub fn exit_code(findings: &[Finding]) -> u8 {
    findings.iter().fold(0, |code, f| {
        code | match f.severity {
            Severity::Error => 2,
            Severity::Warning => 4,
            Severity::Info => 8,
        }
    })
}

/// The findings in `format`.
pub fn render(findings: &[Finding], format: Format) -> String {
    match format {
        Format::Text => {
            let mut out = String::new();
            for f in findings {
                let _ = write!(
                    out,
                    "{}:{}:{}: {} {} {}",
                    f.file, f.position.line, f.position.column, f.severity, f.code, f.message,
                );
                // A finding about the document as a whole (a syntax error)
                // has no construct path.
                if !f.path.is_empty() {
                    let _ = write!(out, " ({})", f.path);
                }
                out.push('\n');
            }
            out
        }
        Format::Json => {
            let items: Vec<Value> = findings
                .iter()
                .map(|f| {
                    json!({
                        "file": f.file, "line": f.position.line, "column": f.position.column,
                        "severity": f.severity.to_string(), "code": f.code,
                        "message": f.message, "path": f.path,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
        }
        Format::Sarif => {
            let mut codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
            codes.sort_unstable();
            codes.dedup();
            let results: Vec<Value> = findings
                .iter()
                .map(|f| {
                    json!({
                        "ruleId": f.code,
                        "level": match f.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "note" },
                        "message": {"text": if f.path.is_empty() { f.message.clone() } else { format!("{} ({})", f.message, f.path) }},
                        "locations": [{"physicalLocation": {
                            "artifactLocation": {"uri": f.file},
                            "region": {"startLine": f.position.line, "startColumn": f.position.column}
                        }}]
                    })
                })
                .collect();
            let sarif = json!({
                "version": "2.1.0",
                "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "runs": [{
                    "tool": {"driver": {
                        "name": "streamcdk synth check",
                        "informationUri": "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html",
                        "rules": codes.iter().map(|c| json!({"id": c})).collect::<Vec<_>>()
                    }},
                    "results": results
                }]
            });
            serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_have_positions_and_codes() {
        let text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 9000\n";
        let f = check_text("t.yaml", text);
        let e = f
            .iter()
            .find(|f| f.severity == Severity::Error)
            .expect("an error");
        assert_eq!((e.position.line, e.position.column), (5, 7), "{f:?}");
        assert!(e.path.starts_with("Q"), "{f:?}");
        assert_eq!(exit_code(&f) & 2, 2);
        let good = check_text("g.yaml", "Resources:\n  Q: {Type: AWS::SQS::Queue}\n");
        assert_eq!(exit_code(&good), 0, "{good:?}");
        assert!(render(&f, Format::Text).starts_with("t.yaml:5:7: error "));
        assert!(render(&f, Format::Sarif).contains("\"startLine\": 5"));
    }
}
