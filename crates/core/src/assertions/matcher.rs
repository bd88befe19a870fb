//! Partial matching of JSON values, and the special matchers of [`Match`].

use std::fmt;

use serde_json::{json, Map, Value};

/// The key of the marker objects that [`Match`] builds. A template never
/// has it: CloudFormation property names do not start with `$`.
pub const MATCH_KEY: &str = "$streamcdk:match";

/// Special matchers to put anywhere inside an expected JSON value, in the
/// spirit of aws-cdk-lib's `assertions.Match`
/// (<https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.assertions.Match.html>).
///
/// Each constructor returns a `serde_json::Value` (a marker object under the
/// key [`MATCH_KEY`]), so it drops into `json!` directly. Without markers,
/// matching is partial for objects (every expected key must be present and
/// match, other keys are ignored, recursively) and exact in length for
/// arrays (element by element, each partially).
///
/// ```
/// use serde_json::json;
/// use streamcdk_core::assertions::{find_mismatch, matches, Match};
///
/// let actual = json!({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}], "Name": "data-42"});
/// assert!(matches(&json!({"Tags": Match::array_with(json!([{"Key": "b"}]))}), &actual));
/// assert!(matches(&json!({"Name": Match::string_like_regexp(r"^data-\d+$"), "Gone": Match::absent()}), &actual));
/// assert!(!matches(&json!({"Tags": Match::exact(json!([{"Key": "a"}, {"Key": "b"}]))}), &actual));
/// let m = find_mismatch(&json!({"Tags": [{}, {"Value": "3"}]}), &actual).unwrap();
/// assert_eq!(m.path, "Tags[1].Value");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Match;

impl Match {
    fn marker(kind: &str, pattern: Option<Value>) -> Value {
        let mut m = Map::new();
        m.insert(MATCH_KEY.to_owned(), Value::String(kind.to_owned()));
        if let Some(p) = pattern {
            m.insert("pattern".to_owned(), p);
        }
        Value::Object(m)
    }

    /// The value must equal `pattern` exactly: objects with exactly the same
    /// keys, arrays of the same length, recursively (numbers compare by
    /// value, `1` equals `1.0`). Matchers nested in `pattern` still apply.
    pub fn exact(pattern: Value) -> Value {
        Self::marker("exact", Some(pattern))
    }

    /// The value must be an object holding every key of `pattern`, each
    /// matching partially; other keys are ignored. This is the default for
    /// objects; use it to go back to partial matching inside [`Match::exact`].
    pub fn object_like(pattern: Value) -> Value {
        Self::marker("objectLike", Some(pattern))
    }

    /// The value must be an array that holds, in this order but not
    /// necessarily next to each other, an element matching each element of
    /// `pattern` (an array), partially.
    pub fn array_with(pattern: Value) -> Value {
        Self::marker("arrayWith", Some(pattern))
    }

    /// The key must not be present.
    pub fn absent() -> Value {
        Self::marker("absent", None)
    }

    /// The key must be present, with any value but `null`.
    pub fn any_value() -> Value {
        Self::marker("anyValue", None)
    }

    /// The value must be a string in which the regular expression `pattern`
    /// (the `regex` crate's syntax) finds a match; anchor it with `^...$` to
    /// match the whole string.
    pub fn string_like_regexp(pattern: &str) -> Value {
        Self::marker("stringLikeRegexp", Some(Value::String(pattern.to_owned())))
    }

    /// The value must not match `pattern`.
    pub fn not(pattern: Value) -> Value {
        Self::marker("not", Some(pattern))
    }

    /// The value must be a string holding JSON that matches `pattern`
    /// (a dashboard body, a serialized policy).
    pub fn serialized_json(pattern: Value) -> Value {
        Self::marker("serializedJson", Some(pattern))
    }
}

/// Where and why a value does not match its pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The path of the mismatching value from the matched root, keys joined
    /// by `.` and array indexes in brackets (`Resources.X.Properties.Tags[2].Value`);
    /// empty for the root itself.
    pub path: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "at the root: {}", self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

/// True if `actual` matches the pattern `expected` (see [`Match`] for the rules).
pub fn matches(expected: &Value, actual: &Value) -> bool {
    find_mismatch(expected, actual).is_none()
}

/// The first place where `actual` does not match `expected`, or `None` if it matches.
pub fn find_mismatch(expected: &Value, actual: &Value) -> Option<Mismatch> {
    find_mismatch_at(expected, actual, "")
}

/// [`find_mismatch`], with paths starting at `root` (e.g. `Resources.X.Properties`).
pub fn find_mismatch_at(expected: &Value, actual: &Value, root: &str) -> Option<Mismatch> {
    check(expected, Some(actual), false, root).err()
}

fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn fail(path: &str, message: String) -> Result<(), Mismatch> {
    Err(Mismatch {
        path: path.to_owned(),
        message,
    })
}

fn found(actual: Option<&Value>) -> String {
    actual.map_or_else(
        || "nothing (the key is absent)".to_owned(),
        Value::to_string,
    )
}

fn check(
    expected: &Value,
    actual: Option<&Value>,
    exact: bool,
    path: &str,
) -> Result<(), Mismatch> {
    if let Some(kind) = expected.get(MATCH_KEY).and_then(Value::as_str) {
        return check_special(kind, expected.get("pattern"), actual, exact, path);
    }
    let Some(actual) = actual else {
        return fail(path, format!("expected {expected}, found {}", found(None)));
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                check(ev, a.get(k), exact, &key_path(path, k))?;
            }
            if exact {
                if let Some(k) = a.keys().find(|k| !e.contains_key(*k)) {
                    return fail(path, format!("unexpected key '{k}' (exact match)"));
                }
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return fail(
                    path,
                    format!(
                        "expected an array of {} element(s), found {} element(s): {actual}",
                        e.len(),
                        a.len()
                    ),
                );
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                check(ev, Some(av), exact, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        _ if expected == actual => Ok(()),
        _ => fail(path, format!("expected {expected}, found {actual}")),
    }
}

fn check_special(
    kind: &str,
    pattern: Option<&Value>,
    actual: Option<&Value>,
    exact: bool,
    path: &str,
) -> Result<(), Mismatch> {
    let null = Value::Null;
    let pattern = pattern.unwrap_or(&null);
    match kind {
        "absent" => match actual {
            None => Ok(()),
            Some(a) => fail(path, format!("expected the key to be absent, found {a}")),
        },
        "anyValue" => match actual {
            Some(a) if !a.is_null() => Ok(()),
            _ => fail(path, format!("expected any value, found {}", found(actual))),
        },
        "exact" => check(pattern, actual, true, path),
        "objectLike" => match actual {
            Some(Value::Object(_)) => check(pattern, actual, false, path),
            _ => fail(
                path,
                format!("expected an object like {pattern}, found {}", found(actual)),
            ),
        },
        "arrayWith" => array_with(pattern, actual, path),
        "stringLikeRegexp" => {
            let source = pattern.as_str().unwrap_or_default();
            let re = match regex::Regex::new(source) {
                Ok(re) => re,
                Err(e) => return fail(path, format!("invalid regular expression /{source}/: {e}")),
            };
            match actual {
                Some(Value::String(s)) if re.is_match(s) => Ok(()),
                _ => fail(
                    path,
                    format!(
                        "expected a string matching /{source}/, found {}",
                        found(actual)
                    ),
                ),
            }
        }
        "not" => match check(pattern, actual, exact, path) {
            Ok(()) => fail(
                path,
                format!(
                    "expected a value not matching {pattern}, found {}",
                    found(actual)
                ),
            ),
            Err(_) => Ok(()),
        },
        "serializedJson" => match actual {
            Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                Ok(parsed) => check(pattern, Some(&parsed), false, &format!("{path}(json)")),
                Err(e) => fail(path, format!("expected serialized JSON, found {s:?} ({e})")),
            },
            _ => fail(
                path,
                format!(
                    "expected a string of serialized JSON, found {}",
                    found(actual)
                ),
            ),
        },
        other => fail(
            path,
            format!("unknown matcher '{other}' in {}", json!({MATCH_KEY: other})),
        ),
    }
}

/// `Match::array_with`: every pattern element, in order, matches a later
/// element of `actual`. Taking the earliest matching element for each
/// pattern element finds an ordering whenever one exists.
fn array_with(pattern: &Value, actual: Option<&Value>, path: &str) -> Result<(), Mismatch> {
    let Some(wanted) = pattern.as_array() else {
        return fail(
            path,
            format!("arrayWith needs an array pattern, got {pattern}"),
        );
    };
    let Some(Value::Array(items)) = actual else {
        return fail(
            path,
            format!("expected an array with {pattern}, found {}", found(actual)),
        );
    };
    let mut next = 0;
    for (i, w) in wanted.iter().enumerate() {
        match items[next..]
            .iter()
            .position(|a| check(w, Some(a), false, path).is_ok())
        {
            Some(offset) => next += offset + 1,
            None => {
                return fail(
                    path,
                    format!("no element from index {next} on matches element {i} of the arrayWith pattern, {w}; the array is {}", Value::Array(items.clone())),
                )
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(expected: Value, actual: Value) -> Mismatch {
        find_mismatch(&expected, &actual).expect("a mismatch")
    }

    #[test]
    fn partial_matching_rules() {
        assert!(matches(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!matches(&json!({"a": 1, "c": 3}), &json!({"a": 1, "b": 2})));
        assert!(matches(&json!([{"k": 1}]), &json!([{"k": 1, "x": 0}])));
        assert!(!matches(&json!([{"k": 1}]), &json!([{"k": 1}, {"k": 2}])));
        assert!(matches(&json!(1.0), &json!(1)));
        assert!(!matches(&json!("1"), &json!(1)));
    }

    #[test]
    fn exact() {
        let actual = json!({"a": {"b": 1, "c": 2}, "l": [1, 2]});
        assert!(matches(&Match::exact(actual.clone()), &actual));
        assert!(matches(
            &json!({"a": Match::exact(json!({"b": 1.0, "c": 2}))}),
            &actual
        ));
        let m = at(json!({"a": Match::exact(json!({"b": 1}))}), actual.clone());
        assert_eq!(m.path, "a");
        assert!(m.message.contains("unexpected key 'c'"), "{m}");
        // Exact goes all the way down, but nested matchers still apply.
        let m = at(
            Match::exact(json!({"a": {"b": 1}, "l": [1, 2]})),
            actual.clone(),
        );
        assert_eq!(m.path, "a");
        assert!(matches(
            &Match::exact(
                json!({"a": Match::object_like(json!({"b": 1})), "l": [1, Match::any_value()]})
            ),
            &actual
        ));
        assert_eq!(at(Match::exact(json!({"l": [1]})), actual).path, "l");
    }

    #[test]
    fn object_like() {
        let actual = json!({"a": {"b": 1, "c": 2}});
        assert!(matches(
            &Match::object_like(json!({"a": {"b": 1}})),
            &actual
        ));
        let m = at(json!({"a": Match::object_like(json!({"b": 2}))}), actual);
        assert_eq!(
            (m.path.as_str(), m.message.as_str()),
            ("a.b", "expected 2, found 1")
        );
        let m = at(
            json!({"x": Match::object_like(json!({}))}),
            json!({"x": [1]}),
        );
        assert_eq!(m.path, "x");
        assert!(m.message.contains("expected an object like {}"), "{m}");
    }

    #[test]
    fn array_with() {
        let actual = json!({"L": [{"k": 1, "v": "a"}, {"k": 2}, {"k": 3}]});
        assert!(matches(
            &json!({"L": Match::array_with(json!([{"k": 3}]))}),
            &actual
        ));
        assert!(matches(
            &json!({"L": Match::array_with(json!([{"k": 1}, {"k": 3}]))}),
            &actual
        ));
        assert!(matches(
            &json!({"L": Match::array_with(json!([]))}),
            &actual
        ));
        // Order matters.
        let m = at(
            json!({"L": Match::array_with(json!([{"k": 3}, {"k": 1}]))}),
            actual.clone(),
        );
        assert_eq!(m.path, "L");
        assert!(
            m.message
                .contains("no element from index 3 on matches element 1"),
            "{m}"
        );
        let m = at(
            json!({"L": Match::array_with(json!({"k": 1}))}),
            actual.clone(),
        );
        assert!(m.message.contains("needs an array pattern"), "{m}");
        let m = at(json!({"M": Match::array_with(json!([1]))}), actual);
        assert_eq!(
            m.message,
            "expected an array with [1], found nothing (the key is absent)"
        );
    }

    #[test]
    fn absent_and_any_value() {
        let actual = json!({"a": 1, "n": null});
        assert!(matches(&json!({"b": Match::absent()}), &actual));
        let m = at(json!({"a": Match::absent()}), actual.clone());
        assert_eq!(
            (m.path.as_str(), m.message.as_str()),
            ("a", "expected the key to be absent, found 1")
        );
        assert!(matches(&json!({"a": Match::any_value()}), &actual));
        assert_eq!(
            at(json!({"n": Match::any_value()}), actual.clone()).path,
            "n"
        );
        let m = at(json!({"b": Match::any_value()}), actual);
        assert_eq!(
            m.message,
            "expected any value, found nothing (the key is absent)"
        );
    }

    #[test]
    fn string_like_regexp() {
        let actual = json!({"Name": "orders-2024"});
        assert!(matches(
            &json!({"Name": Match::string_like_regexp(r"^orders-\d{4}$")}),
            &actual
        ));
        assert!(matches(
            &json!({"Name": Match::string_like_regexp("ders")}),
            &actual
        ));
        let m = at(
            json!({"Name": Match::string_like_regexp("^x")}),
            actual.clone(),
        );
        assert_eq!(
            m.message,
            "expected a string matching /^x/, found \"orders-2024\""
        );
        let m = at(
            json!({"Name": Match::string_like_regexp("(")}),
            actual.clone(),
        );
        assert!(
            m.message.starts_with("invalid regular expression /(/"),
            "{m}"
        );
        assert!(!matches(
            &json!({"Name": Match::string_like_regexp(".")}),
            &json!({"Name": 3})
        ));
    }

    #[test]
    fn not_and_serialized_json() {
        let actual = json!({"a": 1, "Body": "{\"widgets\":[{\"type\":\"metric\",\"x\":0}]}"});
        assert!(matches(&json!({"a": Match::not(json!(2))}), &actual));
        let m = at(json!({"a": Match::not(json!(1))}), actual.clone());
        assert_eq!(m.message, "expected a value not matching 1, found 1");
        assert!(matches(
            &json!({"Body": Match::serialized_json(json!({"widgets": Match::array_with(json!([{"type": "metric"}]))}))}),
            &actual
        ));
        let m = at(
            json!({"Body": Match::serialized_json(json!({"widgets": [{"x": 1}]}))}),
            actual.clone(),
        );
        assert_eq!(m.path, "Body(json).widgets[0].x");
        let m = at(json!({"a": Match::serialized_json(json!({}))}), actual);
        assert!(
            m.message.contains("expected a string of serialized JSON"),
            "{m}"
        );
    }

    #[test]
    fn paths_name_keys_and_indexes() {
        let actual = json!({"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"}]});
        let expected = json!({"Tags": [{}, {}, {"Key": "c", "Value": "4"}]});
        let m = find_mismatch_at(&expected, &actual, "Resources.X.Properties").unwrap();
        assert_eq!(m.path, "Resources.X.Properties.Tags[2].Value");
        assert_eq!(
            m.to_string(),
            "at Resources.X.Properties.Tags[2].Value: expected \"4\", found \"3\""
        );
        let m = at(json!({"Tags": [{}]}), actual);
        assert_eq!(m.path, "Tags");
        assert!(
            m.message
                .starts_with("expected an array of 1 element(s), found 3 element(s)"),
            "{m}"
        );
        assert_eq!(
            at(json!(1), json!(2)).to_string(),
            "at the root: expected 1, found 2"
        );
    }
}
