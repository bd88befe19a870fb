//! Construct-time validation: every problem of a props struct is collected,
//! each with the construct path, a stable code and the allowed values.

use streamcdk_core::{Diagnostics, Expr, Scope};

/// Collects the errors of one construct's props.
#[derive(Debug)]
pub struct PropsCheck {
    path: String,
    diags: Diagnostics,
}

impl PropsCheck {
    /// Starts checking the construct `id` under `scope`.
    pub fn new(scope: &Scope, id: &str) -> Self {
        Self {
            path: scope.child_path(id),
            diags: Diagnostics::new(),
        }
    }

    /// The construct path findings are reported at.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Reports an error.
    pub fn error(&mut self, code: &'static str, message: impl Into<String>) {
        self.diags.error(code, self.path.clone(), message);
    }

    /// Reports an error unless `ok`.
    pub fn ensure(&mut self, ok: bool, code: &'static str, message: impl FnOnce() -> String) {
        if !ok {
            self.error(code, message());
        }
    }

    /// Checks that a literal integer lies in `min..=max` (values that are not
    /// literals, such as parameters, are checked at synth instead).
    pub fn int_range(
        &mut self,
        code: &'static str,
        field: &str,
        value: &Expr<i64>,
        min: i64,
        max: i64,
    ) {
        if let Some(v) = value.node().as_int() {
            if !(min..=max).contains(&v) {
                self.error(
                    code,
                    format!("{field} is {v}; it must be within {min}..={max}"),
                );
            }
        }
    }

    /// Checks a string's length in characters and, if `allowed` is given, its characters.
    pub fn name(
        &mut self,
        code: &'static str,
        field: &str,
        value: &str,
        max_len: usize,
        allowed: impl Fn(char) -> bool,
        allowed_text: &str,
    ) {
        let len = value.chars().count();
        if len == 0 || len > max_len {
            self.error(
                code,
                format!("{field} '{value}' has {len} characters; it must have 1 to {max_len}"),
            );
        }
        if let Some(bad) = value.chars().find(|c| !allowed(*c)) {
            self.error(
                code,
                format!("{field} '{value}' contains '{bad}'; allowed: {allowed_text}"),
            );
        }
    }

    /// `Ok(value)` if no error was found, or every error.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Diagnostics> {
        if self.diags.has_errors() {
            Err(self.diags)
        } else {
            Ok(value())
        }
    }

    /// `Ok(())` if no error was found so far.
    pub fn result(self) -> Result<(), Diagnostics> {
        self.finish(|| ())
    }
}

pub use streamcdk_core::arn::{parse_arn, ArnParts};

/// True if `region` has the shape of an AWS Region code: two lowercase
/// letters, an optional partition word (`gov`, `iso`, `isob` ...), a
/// direction word and a number (`us-east-1`, `us-gov-west-1`,
/// `ap-southeast-2`). It does not know which Regions exist.
pub fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let lower = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase());
    (3..=4).contains(&parts.len())
        && parts[0].len() == 2
        && lower(parts[0])
        && parts[1..parts.len() - 1].iter().all(|p| lower(p))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

impl PropsCheck {
    /// Checks that `arn` is an ARN of `service` whose resource part starts with
    /// `resource_prefix` (e.g. `stream/`), and returns the name after the
    /// prefix; reports `code` with the expected form otherwise.
    pub fn arn_name<'a>(
        &mut self,
        code: &'static str,
        arn: &'a str,
        service: &str,
        resource_prefix: &str,
    ) -> Option<&'a str> {
        let name = parse_arn(arn)
            .filter(|p| p.service == service)
            .and_then(|p| p.resource.strip_prefix(resource_prefix))
            .filter(|n| !n.is_empty());
        if name.is_none() {
            self.error(
                code,
                format!("'{arn}' is not an ARN of the form arn:PARTITION:{service}:REGION:ACCOUNT:{resource_prefix}NAME"),
            );
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_split_and_checked() {
        let p = parse_arn("arn:aws:kinesis:us-east-1:123456789012:stream/clicks").unwrap();
        assert_eq!(
            (p.service, p.region, p.account, p.resource),
            ("kinesis", "us-east-1", "123456789012", "stream/clicks")
        );
        assert_eq!(parse_arn("arn:aws:s3:::bucket").unwrap().resource, "bucket");
        assert!(parse_arn("not-an-arn").is_none());
        assert!(parse_arn("arn:aws:sqs:us-east-1:1").is_none());
        let stack = streamcdk_core::Stack::new("t");
        let mut check = PropsCheck::new(&stack.root(), "X");
        assert_eq!(
            check.arn_name("x/arn", "arn:aws:sqs:us-east-1:1:jobs", "sqs", ""),
            Some("jobs")
        );
        assert_eq!(
            check.arn_name("x/arn", "arn:aws:sqs:us-east-1:1:jobs", "sns", ""),
            None
        );
        let err = check.result().unwrap_err();
        assert!(err
            .errors()
            .next()
            .unwrap()
            .message
            .contains("arn:PARTITION:sns:REGION:ACCOUNT:NAME"));
    }
}
