//! Dynamic references (`{{resolve:ssm:/name}}`, `{{resolve:ssm-secure:...}}`,
//! `{{resolve:secretsmanager:...}}`): CloudFormation replaces them at deploy,
//! so a string holding one is not checked against the property's pattern,
//! length, enum or type; its own syntax is checked instead.
//!
//! Syntax from
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm.html>
//! (`{{resolve:ssm:parameter-name}}`, `{{resolve:ssm:parameter-name:version}}`,
//! the same for `ssm-secure`; a name of letters, digits and `_.-/`, or a
//! parameter ARN) and
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html>
//! (`{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}`,
//! the secret id a name or an ARN, the other segments optional, `version-stage`
//! and `version-id` not both).

/// The opening of every dynamic reference.
pub const DYNAMIC_REFERENCE_START: &str = "{{resolve:";

/// True if `text` holds a dynamic reference, resolved by CloudFormation at
/// deploy (the literal checks leave such a value alone).
pub fn is_dynamic_reference(text: &str) -> bool {
    // Most strings hold no `{`: one byte search rules them out, where a
    // substring search sets up a searcher for every string.
    memchr::memchr(b'{', text.as_bytes())
        .is_some_and(|at| text[at..].contains(DYNAMIC_REFERENCE_START))
}

/// What is wrong with the dynamic references in `text`, one entry each.
pub fn dynamic_reference_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(DYNAMIC_REFERENCE_START) {
        let body_start = start + DYNAMIC_REFERENCE_START.len();
        let Some(len) = rest[body_start..].find("}}") else {
            problems.push(format!(
                "the dynamic reference '{}' is not closed with '}}}}'",
                &rest[start..]
            ));
            break;
        };
        let body = &rest[body_start..body_start + len];
        if let Err(problem) = check_body(body) {
            problems.push(format!(
                "the dynamic reference '{{{{resolve:{body}}}}}' {problem}"
            ));
        }
        rest = &rest[body_start + len + 2..];
    }
    problems
}

fn check_body(body: &str) -> Result<(), String> {
    let Some((service, reference)) = body.split_once(':') else {
        return Err(
            "has no service: expected {{resolve:ssm|ssm-secure|secretsmanager:...}}".into(),
        );
    };
    match service {
        "ssm" | "ssm-secure" => check_ssm(reference),
        "secretsmanager" => check_secret(reference),
        other => Err(format!(
            "names the service '{other}'; the services are ssm, ssm-secure and secretsmanager"
        )),
    }
}

fn check_ssm(reference: &str) -> Result<(), String> {
    if reference.starts_with("arn:") {
        return if reference.contains(":parameter/") && !reference.contains(char::is_whitespace) {
            Ok(())
        } else {
            Err("has a parameter ARN without ':parameter/'".into())
        };
    }
    let (name, version) = match reference.split_once(':') {
        Some((n, v)) => (n, Some(v)),
        None => (reference, None),
    };
    if name.is_empty() {
        return Err("has an empty parameter name".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_.-/".contains(*c)))
    {
        return Err(format!(
            "has the character '{bad}' in its parameter name; a name has letters, digits and _ . - /"
        ));
    }
    match version {
        Some(v) if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) => Err(format!(
            "has the version '{v}'; a version is a positive integer"
        )),
        _ => Ok(()),
    }
}

fn check_secret(reference: &str) -> Result<(), String> {
    let segments: Vec<&str> = reference.split(':').collect();
    // A secret ARN is arn:partition:secretsmanager:region:account:secret:name (7 segments).
    let id_len = if reference.starts_with("arn:") { 7 } else { 1 };
    if segments.len() < id_len || segments[..id_len].iter().any(|s| s.is_empty()) {
        return Err("has an empty or incomplete secret id (a name or a secret ARN)".into());
    }
    let rest = &segments[id_len..];
    if rest.len() > 4 {
        return Err(
            "has more than the segments secret-id:SecretString:json-key:version-stage:version-id"
                .into(),
        );
    }
    if let Some(kind) = rest.first() {
        if *kind != "SecretString" {
            return Err(format!(
                "has '{kind}' after the secret id; the only value there is SecretString"
            ));
        }
    }
    if let (Some(stage), Some(id)) = (rest.get(2), rest.get(3)) {
        if !stage.is_empty() && !id.is_empty() {
            return Err("names both a version stage and a version id; give one".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_references() {
        for ok in [
            "{{resolve:ssm:/name}}",
            "{{resolve:ssm:name:3}}",
            "{{resolve:ssm-secure:/db/password:1}}",
            "{{resolve:ssm:arn:aws:ssm:us-east-1:123456789012:parameter/shared}}",
            "{{resolve:secretsmanager:MySecret}}",
            "{{resolve:secretsmanager:MySecret:SecretString:password}}",
            "{{resolve:secretsmanager:MySecret:SecretString:password:AWSPREVIOUS}}",
            "{{resolve:secretsmanager:MySecret:SecretString:::abc-123}}",
            "{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:MySecret-a1b2c3:SecretString:password}}",
            "prefix-{{resolve:ssm:/a}}-{{resolve:ssm:/b}}",
        ] {
            assert!(dynamic_reference_problems(ok).is_empty(), "{ok}");
        }
    }

    #[test]
    fn malformed_references() {
        for bad in [
            "{{resolve:ssm:/name",
            "{{resolve:ssm:}}",
            "{{resolve:ssm:bad name}}",
            "{{resolve:ssm:/name:latest}}",
            "{{resolve:parameterstore:/name}}",
            "{{resolve:secretsmanager:MySecret:SecretBinary}}",
            "{{resolve:secretsmanager:MySecret:SecretString:k:AWSCURRENT:abc}}",
            "{{resolve:secretsmanager:}}",
            "{{resolve:ssm}}",
        ] {
            assert_eq!(dynamic_reference_problems(bad).len(), 1, "{bad}");
        }
    }
}
