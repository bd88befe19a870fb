//! A fast path for the schemas' simplest patterns, which a synth checks most
//! often and which cost the most to compile: a regex engine builds a large
//! automaton for a Unicode class (`\S`, `.`) or a bounded repetition
//! (`{1,255}`), while checking such a pattern by hand is a loop. Covered:
//!
//! - `^[CLASS]Q$`, `^([CLASS]Q)$`, `^\S+$`, `^[^\s]+$`, `^.{m,n}$`: every
//!   character in the class (ASCII literals, ranges, `\uXXXX`, and the
//!   Unicode general categories `\p{L}`, `\p{N}`, `\p{Z}` of the tag
//!   patterns), `Q` one of `+`, `*`, `{m}`, `{m,}`, `{m,n}`; `^(?!\s*$).+$`:
//!   not blank;
//! - `LITERAL.*` (unanchored, as JSON Schema patterns are): the text contains
//!   the literal; `.*`, `^.*$`: no `\n` (`.` does not match it).
//!
//! Anything else returns `None` and goes to the regex engine. A test checks
//! every schema pattern this path takes against `fancy-regex` on a corpus.

/// `Some(matches)` when `pattern` has one of the simple forms, else `None`.
#[cfg(test)]
pub(super) fn eval(pattern: &str, text: &str) -> Option<bool> {
    parse(pattern).map(|simple| simple.matches(text))
}

/// A pattern of one of the simple forms, parsed once (the pattern cache
/// keeps it) and matched by [`Simple::matches`].
pub(super) enum Simple {
    /// `.*`
    Anything,
    /// `^.*$`: no `\n`.
    NoNewline,
    /// `LITERAL.*`: the text contains the literal.
    Contains(String),
    /// `^(?!\s*$).Q$`: not blank, no `\n`, a length within the bounds.
    NotBlank(usize, Option<usize>),
    /// `^[CLASS]Q$` and its kin: every character in the class, a length
    /// within the bounds.
    Repeat(Class, usize, Option<usize>),
}

impl Simple {
    pub(super) fn matches(&self, text: &str) -> bool {
        match self {
            Simple::Anything => true,
            Simple::NoNewline => !text.contains('\n'),
            Simple::Contains(literal) => text.contains(literal.as_str()),
            Simple::NotBlank(min, max) => {
                let n = text.chars().count();
                !text.contains('\n')
                    && !text.chars().all(char::is_whitespace)
                    && n >= *min
                    && max.is_none_or(|m| n <= m)
            }
            Simple::Repeat(class, min, max) => {
                let mut count = 0usize;
                for c in text.chars() {
                    if !class.contains(c) {
                        return false;
                    }
                    count += 1;
                }
                count >= *min && max.is_none_or(|m| count <= m)
            }
        }
    }
}

/// `pattern` as a [`Simple`] form, if it is one.
pub(super) fn parse(pattern: &str) -> Option<Simple> {
    if pattern == ".*" {
        return Some(Simple::Anything);
    }
    if pattern == "^.*$" {
        return Some(Simple::NoNewline);
    }
    if let Some(literal) = pattern.strip_suffix(".*") {
        if !literal.is_empty()
            && literal
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
        {
            return Some(Simple::Contains(literal.to_owned()));
        }
        return None;
    }
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    if body.ends_with("\\$") {
        return None;
    }
    // `^(X)$` is `^X$` when X has no group or alternation of its own (the
    // tag patterns' `^([\p{L}...]*)$`).
    let body = match body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        Some(inner) if !inner.starts_with('?') && !inner.contains(['(', ')', '|']) => inner,
        _ => body,
    };
    if let Some(rest) = body.strip_prefix("(?!\\s*$).") {
        // Not only white space, then any characters but `\n`.
        let (min, max) = parse_quantifier(rest)?;
        return Some(Simple::NotBlank(min, max));
    }
    let (class, quantifier) = if let Some(rest) = body
        .strip_prefix("\\S")
        .or_else(|| body.strip_prefix("[^\\s]"))
    {
        (Class::NonSpace, rest)
    } else if let Some(rest) = body.strip_prefix('.') {
        (Class::NotNewline, rest)
    } else {
        let inner = body.strip_prefix('[')?;
        let end = class_end(inner)?;
        (Class::Set(parse_set(&inner[..end])?), &inner[end + 1..])
    };
    let (min, max) = parse_quantifier(quantifier)?;
    Some(Simple::Repeat(class, min, max))
}

pub(super) enum Class {
    /// `\S`, `[^\s]`: not white space (Unicode, as the regex engine's).
    NonSpace,
    /// `.`: anything but `\n`.
    NotNewline,
    Set(Set),
}

pub(super) struct Set {
    negated: bool,
    ranges: Vec<(char, char)>,
    categories: Vec<Category>,
}

/// A Unicode general category a class names with `\p{..}`.
#[derive(Clone, Copy)]
enum Category {
    /// `\p{L}`: letters (Lu, Ll, Lt, Lm, Lo).
    Letter,
    /// `\p{N}`: numbers (Nd, Nl, No).
    Number,
    /// `\p{Z}`: separators (Zs, Zl, Zp).
    Separator,
}

impl Category {
    fn contains(self, c: char) -> bool {
        if c.is_ascii() {
            return match self {
                Category::Letter => c.is_ascii_alphabetic(),
                Category::Number => c.is_ascii_digit(),
                Category::Separator => c == ' ',
            };
        }
        self.ranges()
            .binary_search_by(|(a, b)| {
                if *b < c {
                    std::cmp::Ordering::Less
                } else if *a > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// The category's ranges, sorted, from the tables of regex-syntax (the
    /// engine that checks the patterns this path does not take, so both
    /// read one Unicode version), built once per process.
    fn ranges(self) -> &'static [(char, char)] {
        use std::sync::OnceLock;
        static TABLES: [OnceLock<Vec<(char, char)>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let (cell, name) = match self {
            Category::Letter => (&TABLES[0], "\\p{L}"),
            Category::Number => (&TABLES[1], "\\p{N}"),
            Category::Separator => (&TABLES[2], "\\p{Z}"),
        };
        cell.get_or_init(|| {
            use regex_syntax::hir::{Class, HirKind};
            match regex_syntax::Parser::new()
                .parse(name)
                .map(|h| h.into_kind())
            {
                Ok(HirKind::Class(Class::Unicode(class))) => class
                    .ranges()
                    .iter()
                    .map(|r| (r.start(), r.end()))
                    .collect(),
                _ => Vec::new(),
            }
        })
    }
}

impl Class {
    fn contains(&self, c: char) -> bool {
        match self {
            Class::NonSpace => !c.is_whitespace(),
            Class::NotNewline => c != '\n',
            Class::Set(s) => {
                s.negated
                    != (s.ranges.iter().any(|(a, b)| (*a..=*b).contains(&c))
                        || s.categories.iter().any(|g| g.contains(c)))
            }
        }
    }
}

/// The index of the `]` closing a class whose content starts `inner`.
fn class_end(inner: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut i = usize::from(inner.starts_with('^'));
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b']' => return Some(i),
            b'[' => return None,
            _ => i += 1,
        }
    }
    None
}

/// The ranges of a class content of literal ASCII characters, ranges and
/// the escapes `\.` `\-` `\_` `\/` `\*` `\$` `\+` `\=` `\@` `\:`, and
/// `\p{L}`, `\p{N}`, `\p{Z}`; `None` for anything else (`\d`, `\w` and `\s`
/// are Unicode classes in the regex engine, other `\p{..}`, set operators).
fn parse_set(content: &str) -> Option<Set> {
    let (negated, content) = match content.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, content),
    };
    let mut items: Vec<(char, char)> = Vec::new();
    let mut categories: Vec<Category> = Vec::new();
    let chars: Vec<char> = content.chars().collect();
    let mut i = 0;
    // One item: a literal character (escaped or not), or a class escape.
    let single = |i: &mut usize| -> Option<Option<char>> {
        let c = *chars.get(*i)?;
        if c == '\\' {
            let e = *chars.get(*i + 1)?;
            *i += 2;
            return match e {
                '.' | '-' | '_' | '/' | '*' | '$' | '+' | '=' | '@' | ':' => Some(Some(e)),
                // The schemas' `\uXXXX`: one code point.
                'u' => {
                    let hex: String = chars.get(*i..*i + 4)?.iter().collect();
                    *i += 4;
                    Some(Some(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?))
                }
                // `\d` and `\w` are Unicode classes in the regex engine: not here.
                _ => None,
            };
        }
        if !c.is_ascii() || c == '&' || c == '~' || c == '[' {
            return None;
        }
        *i += 1;
        Some(Some(c))
    };
    while i < chars.len() {
        if chars[i] == '\\' && chars.get(i + 1) == Some(&'p') {
            let category = match chars.get(i + 2..i + 5)? {
                ['{', 'L', '}'] => Category::Letter,
                ['{', 'N', '}'] => Category::Number,
                ['{', 'Z', '}'] => Category::Separator,
                _ => return None,
            };
            // `\p{L}-z` is not a range.
            if chars.get(i + 5) == Some(&'-') && i + 6 < chars.len() {
                return None;
            }
            categories.push(category);
            i += 5;
            continue;
        }
        let Some(first) = single(&mut i)? else {
            continue;
        };
        if chars.get(i) == Some(&'-') && i + 1 < chars.len() {
            i += 1;
            let last = single(&mut i)??;
            if last < first {
                return None;
            }
            items.push((first, last));
        } else {
            items.push((first, first));
        }
    }
    (!items.is_empty() || !categories.is_empty()).then_some(Set {
        negated,
        ranges: items,
        categories,
    })
}

/// `+`, `*`, `{m}`, `{m,}`, `{m,n}` as (min, max).
fn parse_quantifier(q: &str) -> Option<(usize, Option<usize>)> {
    match q {
        "+" => Some((1, None)),
        "*" => Some((0, None)),
        _ => {
            let inner = q.strip_prefix('{')?.strip_suffix('}')?;
            match inner.split_once(',') {
                None => {
                    let n = inner.parse().ok()?;
                    Some((n, Some(n)))
                }
                Some((m, "")) => Some((m.parse().ok()?, None)),
                Some((m, n)) => {
                    let (m, n): (usize, usize) = (m.parse().ok()?, n.parse().ok()?);
                    (m <= n).then_some((m, Some(n)))
                }
            }
        }
    }
}
