//! The regex dialect of the schemas' `pattern` and `patternProperties`, and
//! its translation for `fancy-regex`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::schema_of;

/// Rewrites a schema pattern (ECMA/Python syntax) for `fancy-regex`: `\\uXXXX`
/// becomes `\\x{XXXX}`, Python's end-of-text `\\Z` becomes `$`, and inside a
/// character class a bare `[` (a literal there, a nested class in Rust) and
/// `&` and `~` (set operators in Rust when doubled) are escaped.
fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            let hex: String = chars.iter().skip(i + 2).take(4).collect();
            if next == 'u' && hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                out.push_str(&format!("\\x{{{hex}}}"));
                i += 6;
                continue;
            }
            if next == 'Z' && !in_class {
                out.push('$');
            } else {
                out.push(c);
                out.push(next);
            }
            i += 2;
            continue;
        }
        if in_class {
            match c {
                ']' => {
                    // A `]` right after `[` or `[^` is a literal.
                    let prev_open = out.ends_with('[') && !out.ends_with("\\[");
                    let after_caret = out.ends_with("[^") && !out.ends_with("\\[^");
                    if prev_open || after_caret {
                        out.push_str("\\]");
                    } else {
                        out.push(']');
                        in_class = false;
                    }
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        } else {
            if c == '[' {
                in_class = true;
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

/// A pattern's two forms, each made on first use and kept for the process:
/// parsed for the [`backtrack`](super::backtrack) matcher (`None` when it is
/// not plain regex syntax), and compiled by `fancy-regex` (`None` when it
/// does not compile).
#[derive(Default)]
struct Forms {
    /// The [`simple`](super::simple) form, when the pattern has one.
    simple: OnceLock<Option<super::simple::Simple>>,
    /// `^(?!LITERAL)REST` as (`LITERAL`, `^REST`).
    look_ahead: OnceLock<Option<(String, String)>>,
    parsed: OnceLock<Option<Arc<regex_syntax::hir::Hir>>>,
    compiled: OnceLock<Option<Arc<fancy_regex::Regex>>>,
}

fn forms(pattern: &str) -> Arc<Forms> {
    // Looked up for every string a pattern checks: a fast hasher, and the
    // key copied only when a pattern is first seen.
    type Cache = HashMap<String, Arc<Forms>, foldhash::fast::RandomState>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = map.get(pattern) {
        return found.clone();
    }
    map.entry(pattern.to_owned()).or_default().clone()
}

fn compiled(pattern: &str) -> Option<Arc<fancy_regex::Regex>> {
    forms(pattern)
        .compiled
        .get_or_init(|| {
            fancy_regex::Regex::new(&translate(pattern))
                .ok()
                .map(Arc::new)
        })
        .clone()
}

/// A pattern parsed for the [`backtrack`](super::backtrack) matcher; `None`
/// when it is not plain regex syntax (the regex engine takes it).
fn parsed(pattern: &str) -> Option<Arc<regex_syntax::hir::Hir>> {
    forms(pattern)
        .parsed
        .get_or_init(|| super::backtrack::parse(&translate(pattern)).map(Arc::new))
        .clone()
}

/// Whether `text` matches `pattern` (unanchored, as in JSON Schema); `None`
/// when the pattern cannot be checked. Three engines, cheapest first: the
/// hand-written [`simple`](super::simple) forms, the
/// [`backtrack`](super::backtrack) matcher over the parsed pattern (a
/// leading `(?!literal)`, the schemas' "not `aws:`", is tested as a prefix
/// and the rest matched without it), and a compiled `fancy-regex` for other
/// look-around and for the matches the backtracking matcher gives up on.
pub(super) fn matches(pattern: &str, text: &str) -> Option<bool> {
    // Each form is made once per pattern and kept (`Forms`).
    let forms = forms(pattern);
    if let Some(simple) = forms.simple.get_or_init(|| super::simple::parse(pattern)) {
        return Some(simple.matches(text));
    }
    let look_ahead = forms.look_ahead.get_or_init(|| {
        negative_literal_prefix(pattern)
            .map(|(excluded, rest)| (excluded.to_owned(), format!("^{rest}")))
    });
    if let Some((excluded, rest)) = look_ahead {
        if let Some(result) = matches(rest, text) {
            return Some(result && !text.starts_with(excluded.as_str()));
        }
    }
    if let Some(hir) = parsed(pattern) {
        if let Some(result) = super::backtrack::is_match(&hir, text) {
            return Some(result);
        }
    }
    compiled(pattern)?.is_match(text).ok()
}

/// `^(?!LITERAL)REST` (the schemas' "must not start with `aws:`") as
/// `(LITERAL, REST)`, when `LITERAL` is plain: then the pattern matches when
/// the text does not start with it and `^REST` matches. The look-ahead is
/// the only thing in such a pattern that needs `fancy-regex`.
fn negative_literal_prefix(pattern: &str) -> Option<(&str, &str)> {
    let inner = pattern.strip_prefix("^(?!")?;
    let (literal, rest) = inner.split_once(')')?;
    let plain = !literal.is_empty()
        && literal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '/' | ' '));
    // An alternation in the rest (`^(?!aws:)a|b`) would take the look-ahead
    // out of its branches, and a quantifier after it (`^(?!a)?b`) would
    // apply to the look-ahead: neither is this form.
    let rest_is_plain = !rest.contains('|') && !rest.starts_with(['*', '+', '?', '{']);
    (plain && rest_is_plain).then_some((literal, rest))
}

/// Whether `text` matches a schema `pattern` (such as the `*_PATTERN`
/// constants of the generated modules), with the same dialect translation
/// and engine as the schema checks: unanchored, as in JSON Schema, so the
/// pattern's own `^` and `$` decide. `None` when the pattern cannot be
/// compiled (see [`unsupported_patterns`]).
pub fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    matches(pattern, text)
}

/// The patterns of the embedded schemas that cannot be compiled, and so are not checked.
pub fn unsupported_patterns() -> Vec<(&'static str, String)> {
    embedded_patterns()
        .into_iter()
        .filter(|(_, p)| compiled(p).is_none())
        .collect()
}

/// Every pattern of the embedded schemas (`pattern` values and
/// `patternProperties` keys), with its type's name.
fn embedded_patterns() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for info in crate::all_types() {
        let Some(schema) = schema_of(info.type_name) else {
            continue;
        };
        let mut patterns = Vec::new();
        collect_patterns(schema, &mut patterns);
        out.extend(patterns.into_iter().map(|p| (info.type_name, p)));
    }
    out
}

fn collect_patterns(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("pattern", Value::String(p)) => out.push(p.clone()),
                    ("patternProperties", Value::Object(pp)) => {
                        out.extend(pp.keys().cloned());
                        pp.values().for_each(|s| collect_patterns(s, out));
                    }
                    _ => collect_patterns(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The simple forms and the backtracking matcher give the regex engine's
    /// answer for every schema pattern they take, on a corpus of texts that probe classes, lengths,
    /// white space, line breaks and non-ASCII characters.
    #[test]
    fn the_fast_paths_agree_with_the_regex_engine() {
        let mut patterns: Vec<String> = embedded_patterns().into_iter().map(|(_, p)| p).collect();
        patterns.extend(
            [
                "^[a-z]{2,4}$",
                "^[^:*]*$",
                "^[\\w+=,.@-]+$",
                "^[0-9]{12}$",
                "arn:.*",
                "https:.*",
                ".*",
                "^.*$",
                "^\\S+$",
                "^[a-zA-Z0-9\\.\\*\\-]+$",
            ]
            .map(String::from),
        );
        let long_a = "a".repeat(300);
        let long_x = "x".repeat(70);
        let corpus = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "A_b-c.d",
            "a b",
            " a",
            "a\n",
            "x\ry",
            "tab\there",
            "123456789012",
            "12345678901",
            "arn:aws:s3:::b",
            "xarn:aws",
            "https://x",
            "http://x",
            "a:b",
            "a*b",
            "a/b",
            "a$b",
            "é",
            "日本",
            "a@b+c=d,e",
            "-",
            "_",
            ".",
            "UPPER",
            "mixed123",
            long_a.as_str(),
            "{{resolve:ssm:/x}}",
            "a\u{00a0}b",
            "a\u{2028}b",
            "LATEST",
            "lambda:*",
            "lambda:GetLayerVersion",
            "aws:tag",
            "Tag Name_1:/=+-@",
            "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            "sg-0123456789abcdef0",
            "2024-01-01T00:00:00Z",
            long_x.as_str(),
        ];
        let mut taken = 0;
        let mut walked_cases = 0;
        let mut lookahead_cases = 0;
        for p in &patterns {
            let Some(regex) = compiled(p) else { continue };
            for text in corpus {
                let text = text
                    .replace("\\n", "\n")
                    .replace("\\r", "\r")
                    .replace("\\t", "\t");
                if let Some(fast) = crate::validate::simple::eval(p, &text) {
                    taken += 1;
                    assert_eq!(
                        Some(fast),
                        regex.is_match(&text).ok(),
                        "pattern {p:?} on {text:?}"
                    );
                }
                if negative_literal_prefix(p).is_some() {
                    lookahead_cases += 1;
                    assert_eq!(
                        matches(p, &text),
                        regex.is_match(&text).ok(),
                        "look-ahead prefix: pattern {p:?} on {text:?}"
                    );
                }
                if let Some(hir) = parsed(p) {
                    if let Some(walked) = crate::validate::backtrack::is_match(&hir, &text) {
                        walked_cases += 1;
                        assert_eq!(
                            Some(walked),
                            regex.is_match(&text).ok(),
                            "backtracking matcher: pattern {p:?} on {text:?}"
                        );
                    }
                }
            }
        }
        assert!(taken > 100, "the fast path took only {taken} cases");
        assert!(
            lookahead_cases >= corpus.len(),
            "look-ahead prefixes: {lookahead_cases}"
        );
        assert!(
            walked_cases > 5_000,
            "the backtracking matcher took only {walked_cases} cases"
        );
    }

    /// Texts of up to 12 characters drawn (with a fixed seed) from the
    /// characters schema patterns distinguish: letters, digits, separators,
    /// white space, a line break, non-ASCII letters and a symbol.
    fn random_texts(seed: u64, count: usize) -> Vec<String> {
        const ALPHABET: &[char] = &[
            'a', 'z', 'A', 'Z', '0', '9', '-', '_', '.', ':', '/', '*', '@', '=', '+', ' ', '\t',
            '\n', 'é', '日', '$', '{', '}', '[', ']', '(', ')', '|', ',', '#', '%', '\\',
        ];
        let mut state = seed;
        let mut next = move || {
            // xorshift64: enough for a fixed, repeatable spread of cases.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % 13) as usize;
                (0..len)
                    .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    /// Every pattern of the registry's schemas, once each.
    #[cfg(feature = "registry")]
    fn registry_patterns() -> Vec<String> {
        let mut registry = Vec::new();
        for name in crate::registry::type_names() {
            if let Some(schema) = crate::registry::schema(name) {
                collect_patterns(schema, &mut registry);
            }
        }
        registry.sort();
        registry.dedup();
        registry
    }

    /// The full matching path (simple forms, look-ahead prefix, backtracking)
    /// against `fancy-regex` on random texts, for the embedded schemas'
    /// patterns and, with the whole registry built in, every registry
    /// pattern (3,035; about 10 s in a debug build).
    #[test]
    fn the_matching_path_agrees_with_the_regex_engine_on_random_texts() {
        let mut patterns: Vec<String> = embedded_patterns().into_iter().map(|(_, p)| p).collect();
        #[cfg(feature = "registry")]
        patterns.extend(registry_patterns());
        patterns.sort();
        patterns.dedup();
        let texts = random_texts(0x5eed_cafe, 60);
        let mut checked = 0;
        for p in &patterns {
            let Some(regex) = compiled(p) else { continue };
            for text in &texts {
                let expected = regex.is_match(text).ok();
                assert_eq!(matches(p, text), expected, "pattern {p:?} on {text:?}");
                checked += 1;
            }
        }
        assert!(checked > 5_000, "only {checked} cases");
    }

    /// The tag patterns' Unicode categories (`\\p{L}`, `\\p{N}`, `\\p{Z}`)
    /// are answered by the simple forms, the same as the regex engine, for
    /// every character up to U+3000 and every 7th above it, which includes
    /// the neighbours of the categories: combining marks that are
    /// Alphabetic but not letters (U+0345), letter-like symbols (Ⓐ),
    /// letter numbers (Ⅻ), other numbers (½), the separators and the white
    /// space that is not one (U+0085, tab), titlecase and modifier letters.
    #[test]
    fn the_unicode_category_classes_agree_with_the_regex_engine() {
        let patterns = [
            r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$",
            r"^[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$",
            r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$",
            r"^[\p{L}]+$",
            r"^[\p{N}]+$",
            r"^[\p{Z}]+$",
            r"^[^\p{L}\p{N}]{1,3}$",
        ];
        let probes = (0u32..0x3000)
            .chain((0x3000..=0x10ffff).step_by(7))
            .filter_map(char::from_u32);
        let mut texts: Vec<String> = probes.map(String::from).collect();
        texts.extend(
            [
                "",
                "a b",
                "ǅʰ",
                "Ⓐ",
                "Ⅻ½²",
                "\u{85}",
                "a\tb",
                "x\u{345}",
                "日本 語",
                "abcd",
                "k=v@x",
            ]
            .map(String::from),
        );
        for p in patterns {
            let regex = compiled(p).unwrap();
            for text in &texts {
                let expected = regex.is_match(text).ok();
                assert_eq!(
                    super::super::simple::eval(p, text),
                    expected,
                    "pattern {p:?} on {text:?}"
                );
            }
        }
    }

    /// The registry's patterns compile but 31 (surrogate escapes such as
    /// `\uD800`, look-behind, a class range like `-.` or `&amp;`, counted
    /// repetitions over 1,000): the same 31 as with every Unicode table
    /// built in, so the tables kept (general categories, Perl classes, case
    /// folding, boolean properties; no scripts, ages or segmentation) lose
    /// no pattern. A registry update that adds one fails here.
    #[cfg(feature = "registry")]
    #[test]
    fn every_registry_pattern_compiles_but_the_listed_ones() {
        let registry = registry_patterns();
        let failing: Vec<&String> = registry.iter().filter(|p| compiled(p).is_none()).collect();
        assert_eq!(failing.len(), 31, "{failing:#?}");
        assert!(registry.len() > 2_900, "{} patterns", registry.len());
    }

    /// fancy-regex 0.20.0 (before this workspace locked 0.20.2) matched
    /// `^[a-zA-Z]+[-_]*[a-zA-Z]+$` (a registry pattern) on "a"; the random
    /// agreement test found it.
    #[test]
    fn a_two_letter_minimum_is_not_met_by_one_letter() {
        let p = "^[a-zA-Z]+[-_]*[a-zA-Z]+$";
        assert_eq!(compiled(p).unwrap().is_match("a").ok(), Some(false));
        assert_eq!(matches(p, "a"), Some(false));
        assert_eq!(matches(p, "a-b"), Some(true));
    }

    #[test]
    fn the_look_ahead_prefix_form_is_taken_only_without_alternation() {
        let tag = r"^(?!aws:)[a-zA-Z0-9:]*$";
        assert_eq!(
            negative_literal_prefix(tag),
            Some(("aws:", "[a-zA-Z0-9:]*$"))
        );
        assert_eq!(matches(tag, "aws:x"), Some(false));
        assert_eq!(matches(tag, "awsx:y"), Some(true));
        // `^(?!aws:)a|b` is `(^(?!aws:)a)|b`: "aws:b" matches through `b`.
        assert_eq!(negative_literal_prefix(r"^(?!aws:)a|b"), None);
        assert_eq!(matches(r"^(?!aws:)a|b", "aws:b"), Some(true));
        assert_eq!(negative_literal_prefix(r"^(?!a.b)c"), None);
        assert_eq!(negative_literal_prefix(r"^(?!a)?b"), None);
        // An invalid rest is not checked at all, as the whole pattern is not.
        assert_eq!(matches(r"^(?!a)b)", "abc"), None);
    }

    #[test]
    fn patterns_are_translated() {
        assert_eq!(translate(r"^[\u0020-\u007E]*\Z"), r"^[\x{0020}-\x{007E}]*$");
        assert_eq!(translate(r"a\\u"), r"a\\u");
        assert_eq!(translate(r"^[a@[\]+&]$"), r"^[a@\[\]+\&]$");
        assert_eq!(translate(r"[]a]"), r"[\]a]");
    }

    #[test]
    fn every_schema_pattern_compiles() {
        assert_eq!(unsupported_patterns(), Vec::new());
    }
}
