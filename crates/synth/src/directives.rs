//! cfn-lint's suppression directives, read by `synth check` so that a
//! template already annotated for cfn-lint needs no second annotation:
//! `Metadata: cfn-lint: config: ignore_checks: [...]` on a resource (its
//! findings) or at the template's top level (every finding).
//! <https://github.com/aws-cloudformation/cfn-lint#metadata>
//!
//! An entry suppresses a finding when it is the finding's own code
//! (`schema/enum`), its family (`schema`), or a prefix of a cfn-lint rule ID
//! the code corresponds to ([`CFN_LINT_RULES`]; cfn-lint matches entries as
//! prefixes, so `E303` covers `E3030` and `E3031`).

use serde_json::Value;

/// The cfn-lint 1.x rules each check code corresponds to. Codes without an
/// entry are only suppressed by their own name or family.
pub const CFN_LINT_RULES: &[(&str, &[&str])] = &[
    ("schema/unknown-property", &["E3002"]),
    ("schema/required", &["E3003"]),
    ("schema/type", &["E3012"]),
    ("schema/enum", &["E3030"]),
    ("schema/pattern", &["E3031"]),
    ("schema/min-items", &["E3032"]),
    ("schema/max-items", &["E3032"]),
    ("schema/min-length", &["E3033"]),
    ("schema/max-length", &["E3033"]),
    ("schema/minimum", &["E3034"]),
    ("schema/maximum", &["E3034"]),
    ("schema/unique-items", &["E3037"]),
    ("schema/format", &["E1150", "E1151", "E1152", "E1153"]),
    ("dependency/cycle", &["E3004"]),
    ("resource/unknown-type", &["E3006"]),
    ("ref/dangling", &["E1012", "E1010"]),
    ("limit/lambda-runtime-deprecated", &["E2531", "W2531"]),
    ("limit/lambda-runtime-blocked", &["E2533"]),
];

/// The `ignore_checks` entries of a `cfn-lint` metadata value.
pub fn ignore_checks(cfn_lint: Option<&Value>) -> Vec<String> {
    cfn_lint
        .and_then(|v| v.pointer("/config/ignore_checks"))
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `ignores` suppresses a finding of `code`.
pub fn suppresses(ignores: &[String], code: &str) -> bool {
    let family = code.split('/').next().unwrap_or(code);
    let rules = CFN_LINT_RULES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, rules)| *rules)
        .unwrap_or(&[]);
    ignores.iter().any(|entry| {
        !entry.is_empty()
            && (entry == code
                || entry == family
                || rules.iter().any(|rule| rule.starts_with(entry.as_str())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_match_codes_families_and_cfn_lint_rule_prefixes() {
        let ignores = ignore_checks(Some(
            &json!({"config": {"ignore_checks": ["E3030", "E3001"]}}),
        ));
        assert!(suppresses(&ignores, "schema/enum"));
        assert!(!suppresses(&ignores, "schema/unknown-property"));
        assert!(suppresses(&["E303".into()], "schema/enum"));
        assert!(suppresses(&["E303".into()], "schema/pattern"));
        assert!(!suppresses(&["E303".into()], "schema/unknown-property"));
        assert!(suppresses(&["E3".into()], "schema/type"));
        assert!(suppresses(&["schema".into()], "schema/type"));
        assert!(suppresses(&["ref/dangling".into()], "ref/dangling"));
        assert!(!suppresses(&["".into()], "ref/dangling"));
        assert!(ignore_checks(Some(&json!({"config": {}}))).is_empty());
        assert!(ignore_checks(None).is_empty());
    }
}
