//! Template output: canonical JSON and long-form YAML.
//!
//! JSON is canonical: sections in CloudFormation's usual order
//! (AWSTemplateFormatVersion, Description, Metadata, Parameters, Rules,
//! Mappings, Conditions, Transform, Resources, Outputs), items in the order
//! they were added, properties sorted by name, two-space indentation and a
//! final newline. The same stack always gives the same bytes.
//!
//! YAML is written in long form (`Fn::GetAtt:` keys, never `!GetAtt` tags)
//! by `serde-saphyr`. serde_yaml is deprecated upstream, and its maintained
//! forks (serde_yaml_ng, serde_norway) and yaml-rust2 leave strings such as
//! `on`, `yes`, `y` or `2010-09-09` unquoted; YAML 1.1 readers, CloudFormation
//! and cfn-lint's PyYAML among them, read those as booleans and dates.
//! serde-saphyr quotes every such string (tested in this module and by the
//! validators, which parse both outputs and compare them).

use serde_json::Value;

/// A synthesized template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    value: Value,
    /// The canonical JSON, written once on first use (synth's size check
    /// usually needs it anyway).
    json: std::sync::OnceLock<String>,
}

impl Template {
    pub(crate) fn new(value: Value) -> Self {
        Self {
            value,
            json: std::sync::OnceLock::new(),
        }
    }

    /// Wraps a JSON value (for tests and for templates read from disk).
    pub fn from_value(value: Value) -> Self {
        Self::new(value)
    }

    /// The canonical JSON, without copying it.
    pub fn json_str(&self) -> &str {
        self.json.get_or_init(|| render(&self.value))
    }

    /// The canonical JSON, taken out of the template without copying it
    /// (written now if it was not yet).
    pub fn into_json(self) -> String {
        match self.json.into_inner() {
            Some(json) => json,
            None => render(&self.value),
        }
    }

    /// The template as a JSON value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Canonical JSON: pretty-printed with two spaces, ending in a newline.
    pub fn to_json(&self) -> String {
        self.json_str().to_owned()
    }

    /// JSON without whitespace, as small as the template gets.
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(&self.value).unwrap_or_default()
    }

    /// Size of the compact JSON in bytes (counted, not built).
    pub fn compact_len(&self) -> usize {
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0 += buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(0);
        // Writing a Value into a counter cannot fail.
        let _ = serde_json::to_writer(&mut count, &self.value);
        count.0
    }

    /// Long-form YAML.
    pub fn to_yaml(&self) -> Result<String, String> {
        serde_saphyr::to_string(&self.value).map_err(|e| format!("cannot write YAML: {e}"))
    }
}

/// Parses YAML (as written by [`Template::to_yaml`]) into a JSON value.
pub fn parse_yaml(text: &str) -> Result<Value, String> {
    serde_saphyr::from_str(text).map_err(|e| format!("cannot read YAML: {e}"))
}

/// The canonical JSON of `value`: pretty, with a final newline.
fn render(value: &Value) -> String {
    // Room for a template of up to 128 KiB (the largest of this project's is
    // 102 KiB) without a copy on growth; pages never written are never
    // touched, so the unused room costs no memory.
    pretty_with_newline(value, 128 * 1024)
}

/// `value` as `serde_json::to_string_pretty` writes it, with a final
/// newline, written into a string of `capacity` bytes to start with.
pub(crate) fn pretty_with_newline(value: &Value, capacity: usize) -> String {
    let mut s = String::with_capacity(capacity);
    write_pretty(value, 0, &mut s);
    s.push('\n');
    s
}

/// Writes `value` as `serde_json::to_string_pretty` does (two-space
/// indentation, `"key": value`, `{}` and `[]` when empty, the same string
/// escapes and number forms), straight into a `String`: serde_json's
/// serializer goes through its formatter and writer traits for every token,
/// and the pretty JSON was a tenth of `synth --all`. The test
/// `pretty_json_is_serde_jsons` compares the two.
fn write_pretty(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => crate::json::push_json_number(out, n),
        Value::String(text) => crate::json::push_json_string(out, text),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                new_line(depth + 1, out);
                write_pretty(item, depth + 1, out);
            }
            new_line(depth, out);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                new_line(depth + 1, out);
                crate::json::push_json_string(out, key);
                out.push_str(": ");
                write_pretty(item, depth + 1, out);
            }
            new_line(depth, out);
            out.push('}');
        }
    }
}

/// A line break and the indentation of `depth` (two spaces a level), in one
/// copy up to depth 40 (templates rarely pass 15).
fn new_line(depth: usize, out: &mut String) {
    const LINE: &str = concat!(
        "\n",
        "                                        ",
        "                                        "
    );
    let width = 2 * depth;
    if width < LINE.len() {
        out.push_str(&LINE[..=width]);
        return;
    }
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pretty_json_is_serde_jsons() {
        let mut every_byte = String::new();
        for b in 0u8..=0x7f {
            every_byte.push(char::from(b));
        }
        let values = [
            json!(null),
            json!({}),
            json!([]),
            json!(""),
            json!({"a": {}, "b": [], "c": [{}], "d": [[]], "e": {"f": {"g": []}}}),
            json!([
                1,
                0,
                9,
                10,
                99,
                100,
                -1,
                -10,
                i64::MAX,
                -2,
                3.5,
                -0.0,
                1e300,
                2.5e-8,
                18446744073709551615u64,
                i64::MIN,
                true,
                false,
                null
            ]),
            json!({"Fn::Sub": "${AWS::StackName}-\"quoted\"\\path\u{7f}\u{80}é€😀"}),
            json!([
                every_byte,
                "tab\tline\nfeed\u{0c}back\u{08}ret\r\u{0}\u{1f}"
            ]),
            json!({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": [{"Key": "k", "Value": "v"}]}}}}),
        ];
        // An escape at every position of strings around the eight-byte steps.
        let mut strings = Vec::new();
        for len in 0..20 {
            for at in 0..len {
                for special in ['"', '\\', '\n', '\u{1}', 'é', '\u{7f}'] {
                    let mut text: String = "abcdefghijklmnopqrst"[..len].into();
                    text.replace_range(at..at + 1, &special.to_string());
                    strings.push(json!(text));
                }
                // Two escapes, each after the other anywhere, and strings of
                // nothing but escapes.
                for second in at + 1..len {
                    let mut text: String = "abcdefghijklmnopqrst"[..len].into();
                    text.replace_range(second..=second, "\\");
                    text.replace_range(at..=at, "\"");
                    strings.push(json!(text));
                }
            }
            strings.push(json!("\"".repeat(len)));
            strings.push(json!("\u{1}\\".repeat(len)));
        }
        // Past the depth whose indentation is copied in one piece.
        let mut deep = json!({"leaf": [1, "two"]});
        for level in 0..50 {
            deep = if level % 2 == 0 {
                json!([deep, level])
            } else {
                json!({"level": level, "inner": deep})
            };
        }
        strings.push(deep);
        for value in values.into_iter().chain(strings) {
            let template = Template::from_value(value.clone());
            assert_eq!(
                template.json_str(),
                serde_json::to_string_pretty(&value).unwrap() + "\n",
                "{value}"
            );
        }
    }

    #[test]
    fn ambiguous_strings_stay_strings_in_yaml() {
        let words = [
            "on",
            "off",
            "no",
            "yes",
            "y",
            "n",
            "Y",
            "N",
            "NO",
            "On",
            "true",
            "False",
            "2010-09-09",
            "1e3",
            "0x10",
            "0o17",
            "~",
            "null",
            "Null",
            "",
            "1_000",
            "12:30",
            "+1",
            ".inf",
            "-.5",
            "010",
            "#comment",
            "a: b",
            "- x",
            "*alias",
            "&anchor",
            "!tag",
            "%directive",
            "@at",
            "`tick",
        ];
        let template = Template::from_value(json!({ "Words": words.to_vec() }));
        let yaml = template.to_yaml().unwrap();
        for w in words {
            // Each word is written quoted: never as a plain scalar.
            let plain_line = format!("- {w}\n");
            assert!(
                !yaml.contains(&plain_line) || w.is_empty(),
                "'{w}' is written plain:\n{yaml}"
            );
        }
        assert_eq!(parse_yaml(&yaml).unwrap(), *template.value());
    }

    #[test]
    fn yaml_uses_long_form_intrinsics() {
        let template = Template::from_value(json!({
            "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
                "BucketName": {"Fn::Sub": "${AWS::StackName}-data"},
                "Tags": [{"Key": "arn", "Value": {"Fn::GetAtt": ["Q", "Arn"]}}]
            }}}
        }));
        let yaml = template.to_yaml().unwrap();
        // Long form: the function names are mapping keys, never `!Sub`/`!GetAtt` tags.
        assert!(yaml.contains("\"Fn::Sub\":"), "{yaml}");
        assert!(yaml.contains("\"Fn::GetAtt\":"), "{yaml}");
        assert!(!yaml.contains('!'), "{yaml}");
        assert_eq!(parse_yaml(&yaml).unwrap(), *template.value());
    }

    #[test]
    fn json_is_pretty_and_ends_in_newline() {
        let t = Template::from_value(json!({"A": 1}));
        assert_eq!(t.to_json(), "{\n  \"A\": 1\n}\n");
        assert_eq!(t.compact_len(), 7);
    }
}
