//! A YAML reader that reads templates the way CloudFormation does.
//!
//! Built on the event parser that serde-saphyr itself uses
//! (`serde_saphyr::granit_parser`), because serde's data model has no place for
//! tags or positions. The reader:
//! - expands CloudFormation's short-form tags (`!Ref X` to `{"Ref": "X"}`,
//!   `!GetAtt a.b` to `{"Fn::GetAtt": "a.b"}`, `!Sub`, `!If` ... to `Fn::*`), see
//!   [the intrinsic function reference](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html);
//! - resolves plain scalars with YAML 1.1 rules as PyYAML does (`yes`, `on`,
//!   `off` and `no` are booleans, `0x1F` and `017` integers), as CloudFormation does;
//! - rejects what CloudFormation rejects: aliases, merge keys (`<<`), and the
//!   binary, set, omap and timestamp tags; and a duplicate key.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::tree::{Item, ParseError, Position, Val};

const MAX_DEPTH: usize = 256;

/// The short-form tags and the long-form key each expands to.
pub(crate) const SHORT_FORMS: [(&str, &str); 25] = [
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("If", "Fn::If"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("ImportValue", "Fn::ImportValue"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Contains", "Fn::Contains"),
    ("EachMemberEquals", "Fn::EachMemberEquals"),
    ("EachMemberIn", "Fn::EachMemberIn"),
    ("RefAll", "Fn::RefAll"),
    ("ValueOf", "Fn::ValueOf"),
];

pub(crate) fn parse(text: &str) -> Result<Item, ParseError> {
    let mut reader = Reader {
        parser: Parser::new_from_str(text),
    };
    let mut document: Option<Item> = None;
    loop {
        let (event, span) = reader.next()?;
        match event {
            Event::StreamStart | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            Event::DocumentStart(..) => {
                if document.is_some() {
                    return Err(ParseError::new(
                        pos(&span),
                        "import/syntax",
                        "a template is one YAML document; found a second one",
                    ));
                }
                let (first, span) = reader.next()?;
                if matches!(first, Event::DocumentEnd) {
                    continue;
                }
                document = Some(reader.node(first, span, 0)?);
            }
            _ => {
                return Err(ParseError::new(
                    pos(&span),
                    "import/syntax",
                    "unexpected YAML event",
                ))
            }
        }
    }
    document
        .ok_or_else(|| ParseError::new(Position::START, "import/syntax", "the template is empty"))
}

fn pos(span: &Span) -> Position {
    Position {
        line: span.start.line().max(1),
        column: span.start.col() + 1,
    }
}

struct Reader<'a> {
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
}

impl<'a> Reader<'a> {
    /// The next event that is part of the data (comments and anchor notes skipped).
    fn next(&mut self) -> Result<(Event<'a>, Span), ParseError> {
        loop {
            match self.parser.next_event() {
                None => {
                    return Err(ParseError::new(
                        Position::START,
                        "import/syntax",
                        "unexpected end of the YAML text",
                    ))
                }
                Some(Err(e)) => {
                    let m = e.marker();
                    return Err(ParseError::new(
                        Position {
                            line: m.line().max(1),
                            column: m.col() + 1,
                        },
                        "import/syntax",
                        e.info(),
                    ));
                }
                Some(Ok((event, span))) => match event {
                    Event::Anchor(..) => {}
                    Event::StreamStart
                    | Event::StreamEnd
                    | Event::DocumentStart(..)
                    | Event::DocumentEnd
                    | Event::Alias(_)
                    | Event::UnresolvedAlias(_)
                    | Event::Scalar(..)
                    | Event::SequenceStart(..)
                    | Event::SequenceEnd
                    | Event::MappingStart(..)
                    | Event::MappingEnd => return Ok((event, span)),
                    #[allow(unreachable_patterns)]
                    _ => {}
                },
            }
        }
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Item, ParseError> {
        let at = pos(&span);
        if depth > MAX_DEPTH {
            return Err(ParseError::new(
                at,
                "import/syntax",
                format!("nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let (tag, item) = match event {
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                return Err(ParseError::new(
                    at,
                    "import/yaml-alias",
                    "YAML aliases are not supported by CloudFormation",
                ))
            }
            Event::Scalar(value, style, _, tag) => {
                let val = match (&tag, style) {
                    (Some(t), _) => tagged_scalar(t, &value, at)?,
                    (None, ScalarStyle::Plain) => plain_scalar(&value),
                    (None, _) => Val::Str(value.into_owned()),
                };
                (tag, Item::new(at, val))
            }
            Event::SequenceStart(_, _, tag) => {
                let mut items = Vec::new();
                loop {
                    let (e, s) = self.next()?;
                    if matches!(e, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(e, s, depth + 1)?);
                }
                (tag, Item::new(at, Val::Seq(items)))
            }
            Event::MappingStart(_, _, tag) => {
                let mut entries: Vec<(String, Position, Item)> = Vec::new();
                loop {
                    let (e, s) = self.next()?;
                    let key_pos = pos(&s);
                    let key = match e {
                        Event::MappingEnd => break,
                        Event::Scalar(k, ..) => k.into_owned(),
                        _ => {
                            return Err(ParseError::new(
                                key_pos,
                                "import/syntax",
                                "a mapping key must be a plain value",
                            ))
                        }
                    };
                    if key == "<<" {
                        return Err(ParseError::new(
                            key_pos,
                            "import/yaml-merge-key",
                            "YAML merge keys (<<) are not supported by CloudFormation",
                        ));
                    }
                    if let Some((_, first, _)) = entries.iter().find(|(k, _, _)| *k == key) {
                        return Err(ParseError::new(
                            key_pos,
                            "import/duplicate-key",
                            format!("duplicate key '{key}' (first at {first})"),
                        ));
                    }
                    let (e, s) = self.next()?;
                    let value = self.node(e, s, depth + 1)?;
                    entries.push((key, key_pos, value));
                }
                (tag, Item::new(at, Val::Map(entries)))
            }
            _ => {
                return Err(ParseError::new(
                    at,
                    "import/syntax",
                    "unexpected YAML event",
                ))
            }
        };
        match tag {
            None => Ok(item),
            Some(t) => expand_tag(&t, item, at),
        }
    }
}

/// `!Ref X` to `{"Ref": X}` and so on; a core tag (`!!str`) leaves the node as it is.
fn expand_tag(tag: &Tag, item: Item, at: Position) -> Result<Item, ParseError> {
    if tag.is_yaml_core_schema() {
        return Ok(item);
    }
    let (handle, suffix) = tag.parts();
    if handle != "!" {
        return Err(unknown_tag(tag, at));
    }
    let Some((_, long)) = SHORT_FORMS.iter().find(|(short, _)| *short == suffix) else {
        return Err(unknown_tag(tag, at));
    };
    Ok(Item::new(
        at,
        Val::Map(vec![((*long).to_owned(), at, item)]),
    ))
}

fn unknown_tag(tag: &Tag, at: Position) -> ParseError {
    ParseError::new(
        at,
        "import/unknown-intrinsic",
        format!(
            "unknown tag '{}'; CloudFormation knows !Ref, !Sub, !GetAtt, !If, !Join, !Select, !Split, !Equals, !And, !Or, !Not, !Condition, !FindInMap, !Base64, !Cidr, !GetAZs, !ImportValue, !Transform, !Length, !ToJsonString",
            tag.original()
        ),
    )
}

/// A scalar with a tag: a core-schema tag converts it; a short form keeps it a string.
fn tagged_scalar(tag: &Tag, value: &str, at: Position) -> Result<Val, ParseError> {
    if !tag.is_yaml_core_schema() {
        let (handle, suffix) = tag.parts();
        if handle == "tag:yaml.org,2002:" {
            return Err(ParseError::new(
                at,
                "import/yaml-tag",
                format!("the YAML tag !!{suffix} is not supported by CloudFormation"),
            ));
        }
        return Ok(Val::Str(value.to_string()));
    }
    Ok(match tag.core_suffix() {
        Some("str") => Val::Str(value.to_string()),
        Some("null") => Val::Null,
        Some("bool") | Some("int") | Some("float") => match plain_scalar(value) {
            Val::Str(s) => {
                return Err(ParseError::new(
                    at,
                    "import/yaml-tag",
                    format!("'{s}' is not a {}", tag.core_suffix().unwrap_or("value")),
                ))
            }
            v => v,
        },
        _ => Val::Str(value.to_string()),
    })
}

/// YAML 1.1 resolution of a plain scalar, as PyYAML's resolver (and so
/// cfn-lint and CloudFormation) reads it. Timestamps stay strings.
pub(crate) fn plain_scalar(s: &str) -> Val {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Val::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Val::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Val::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Val::Str(s.to_owned()),
        _ => {}
    }
    if let Some(v) = yaml11_int(s) {
        return Val::Int(v);
    }
    if is_yaml11_float(s) {
        let cleaned: String = s.chars().filter(|c| *c != '_').collect();
        if let Ok(f) = cleaned.parse::<f64>() {
            if f.is_finite() {
                return Val::Float(f);
            }
        }
    }
    Val::Str(s.to_owned())
}

/// `[-+]?0b[01_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+`
/// (sexagesimal integers are left as strings).
fn yaml11_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() || body.starts_with('_') {
        return None;
    }
    let digits = |t: &str, radix: u32| -> Option<i64> {
        let cleaned: String = t.chars().filter(|c| *c != '_').collect();
        if cleaned.is_empty() {
            return None;
        }
        i64::from_str_radix(&cleaned, radix).ok()
    };
    let magnitude = if let Some(b) = body.strip_prefix("0b") {
        digits(b, 2)?
    } else if let Some(h) = body.strip_prefix("0x") {
        digits(h, 16)?
    } else if body == "0" {
        0
    } else if let Some(o) = body.strip_prefix('0') {
        if !o.bytes().all(|c| matches!(c, b'0'..=b'7' | b'_')) {
            return None;
        }
        digits(o, 8)?
    } else {
        if !body.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return None;
        }
        digits(body, 10)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?`, PyYAML's float.
fn is_yaml11_float(s: &str) -> bool {
    let b = s.trim_start_matches(['-', '+']);
    if s.len() - b.len() > 1 {
        return false;
    }
    let (mantissa, exponent) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let Some(dot) = mantissa.find('.') else {
        return false;
    };
    let (int, frac) = (&mantissa[..dot], &mantissa[dot + 1..]);
    let int_ok = int.is_empty()
        || (int.as_bytes()[0].is_ascii_digit()
            && int.bytes().all(|c| c.is_ascii_digit() || c == b'_'));
    let frac_ok = frac.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    let exp_ok = match exponent {
        None => true,
        Some(e) => {
            let mut chars = e.bytes();
            matches!(chars.next(), Some(b'-' | b'+'))
                && e.len() > 1
                && chars.all(|c| c.is_ascii_digit())
        }
    };
    int_ok && frac_ok && exp_ok && (int.len() + frac.len()) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_11_scalars() {
        assert_eq!(plain_scalar("yes"), Val::Bool(true));
        assert_eq!(plain_scalar("Off"), Val::Bool(false));
        assert_eq!(plain_scalar("y"), Val::Str("y".into()));
        assert_eq!(plain_scalar("2010-09-09"), Val::Str("2010-09-09".into()));
        assert_eq!(plain_scalar("012"), Val::Int(10));
        assert_eq!(plain_scalar("0x1F"), Val::Int(31));
        assert_eq!(plain_scalar("-3"), Val::Int(-3));
        assert_eq!(plain_scalar("1.5"), Val::Float(1.5));
        assert_eq!(plain_scalar("1.0e+3"), Val::Float(1000.0));
        assert_eq!(plain_scalar("1e3"), Val::Str("1e3".into()));
        assert_eq!(plain_scalar("1.2.3"), Val::Str("1.2.3".into()));
        assert_eq!(plain_scalar("~"), Val::Null);
    }

    #[test]
    fn short_forms_positions_and_errors() {
        let doc =
            parse("A: !Ref B\nC: !GetAtt D.Arn\nE: !If [X, 1, 'on']\nF: on\n").expect("valid");
        let json = doc.to_json();
        assert_eq!(json["A"], serde_json::json!({"Ref": "B"}));
        assert_eq!(json["C"], serde_json::json!({"Fn::GetAtt": "D.Arn"}));
        assert_eq!(json["E"], serde_json::json!({"Fn::If": ["X", 1, "on"]}));
        assert_eq!(json["F"], serde_json::json!(true));
        let map = doc.as_map().expect("map");
        assert_eq!(map[2].1, Position { line: 3, column: 1 });
        let e = parse("A: 1\nA: 2\n").expect_err("duplicate");
        assert_eq!((e.code, e.pos.line), ("import/duplicate-key", 2));
        let e = parse("A: !Reff B\n").expect_err("unknown tag");
        assert_eq!(
            (e.code, e.pos.line, e.pos.column),
            ("import/unknown-intrinsic", 1, 10)
        );
        assert_eq!(
            parse("A: &x 1\nB: *x\n").expect_err("alias").code,
            "import/yaml-alias"
        );
        assert_eq!(
            parse("A: {<<: {B: 1}}\n").expect_err("merge").code,
            "import/yaml-merge-key"
        );
        assert_eq!(
            parse("A: !!binary aGk=\n").expect_err("binary").code,
            "import/yaml-tag"
        );
        for garbage in [
            "",
            "a: [",
            "a: b: c",
            "- a\nb: c",
            "---\na: 1\n---\nb: 2\n",
            "\t{",
        ] {
            assert!(parse(garbage).is_err(), "{garbage:?}");
        }
    }
}
