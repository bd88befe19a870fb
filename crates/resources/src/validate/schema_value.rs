//! The schemas as the checks hold them: a JSON tree whose strings borrow
//! from the embedded schema text and whose objects are plain lists.
//!
//! A `serde_json::Value` copies every key and string onto the heap and
//! hashes every key (with SipHash) into an index; a schema part is parsed
//! once and then only read, mostly by looking up a handful of keywords.
//! Parsing into this form instead took the embedded schemas' share of a
//! synth from about 2.5 M instructions and half a megabyte of heap (a
//! fifth of `synth --all`'s peak) to a fraction of that. A schema given as
//! a `Value` (a registry type's, or one passed to `validate_properties`) is
//! converted, with owned strings.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

/// A schema's text: borrowed from the embedded schema, or owned.
pub(crate) type Text = Cow<'static, str>;

/// A JSON value of a schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SchemaValue {
    Null,
    Bool(bool),
    Number(Number),
    String(Text),
    Array(Vec<SchemaValue>),
    Object(SchemaMap),
    /// The schema of top-level property `name` of a lazily read schema
    /// (its `index` in the layout), parsed when first reached
    /// ([`SchemaRoot::property_part`](super::schema::SchemaRoot::property_part)):
    /// what `{"$ref": "#/properties/<name>"}` would name, without a
    /// reference to build and look up for every property of every type.
    Part {
        index: u32,
        name: &'static str,
    },
}

/// A schema object: its members in document order. Objects with more than
/// [`INDEXED`] members also keep a hash index of their names
/// ([`build_index`]); smaller ones are searched in order, which is cheaper
/// than hashing the name.
#[derive(Debug, Clone, Default)]
pub(crate) struct SchemaMap {
    entries: Vec<(Text, SchemaValue)>,
    index: Box<[u32]>,
    /// Which of the [`Keyword`]s are members (bit `Keyword as u8`): the
    /// validator asks for a dozen keywords per value, and most are absent.
    keywords: u64,
    /// Each member's [`Keyword`] (`Keyword as u8`, or [`NOT_A_KEYWORD`]),
    /// found once when the object is built rather than by comparing names
    /// at every visit; empty when no member is a keyword.
    member_keywords: Box<[u8]>,
}

/// [`SchemaMap::member_keywords`] of a member that is not a keyword.
const NOT_A_KEYWORD: u8 = u8::MAX;

/// The JSON Schema keywords (and cfn-lint's extensions) the checks read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Keyword {
    Ref,
    Type,
    Enum,
    Const,
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
    MinLength,
    MaxLength,
    Pattern,
    Format,
    Required,
    Properties,
    PatternProperties,
    AdditionalProperties,
    MinProperties,
    MaxProperties,
    Dependencies,
    DependentRequired,
    DependentExcluded,
    RequiredXor,
    RequiredOr,
    AllOf,
    AnyOf,
    OneOf,
    Not,
}

impl Keyword {
    /// The keyword a member name is, if it is one the checks read.
    pub(crate) fn of(name: &str) -> Option<Keyword> {
        Some(match name {
            "$ref" => Keyword::Ref,
            "type" => Keyword::Type,
            "enum" => Keyword::Enum,
            "const" => Keyword::Const,
            "minimum" => Keyword::Minimum,
            "maximum" => Keyword::Maximum,
            "exclusiveMinimum" => Keyword::ExclusiveMinimum,
            "exclusiveMaximum" => Keyword::ExclusiveMaximum,
            "minLength" => Keyword::MinLength,
            "maxLength" => Keyword::MaxLength,
            "pattern" => Keyword::Pattern,
            "format" => Keyword::Format,
            "required" => Keyword::Required,
            "properties" => Keyword::Properties,
            "patternProperties" => Keyword::PatternProperties,
            "additionalProperties" => Keyword::AdditionalProperties,
            "minProperties" => Keyword::MinProperties,
            "maxProperties" => Keyword::MaxProperties,
            "dependencies" => Keyword::Dependencies,
            "dependentRequired" => Keyword::DependentRequired,
            "dependentExcluded" => Keyword::DependentExcluded,
            "requiredXor" => Keyword::RequiredXor,
            "requiredOr" => Keyword::RequiredOr,
            "allOf" => Keyword::AllOf,
            "anyOf" => Keyword::AnyOf,
            "oneOf" => Keyword::OneOf,
            "not" => Keyword::Not,
            _ => return None,
        })
    }

    fn bit(self) -> u64 {
        1 << self as u8
    }
}

/// The keyword bit mask of `entries` and each entry's keyword code (none
/// when no entry is a keyword).
fn member_keywords(entries: &[(Text, SchemaValue)]) -> (u64, Box<[u8]>) {
    let codes: Vec<u8> = entries
        .iter()
        .map(|(k, _)| Keyword::of(k).map_or(NOT_A_KEYWORD, |k| k as u8))
        .collect();
    let mask = codes
        .iter()
        .filter(|c| **c != NOT_A_KEYWORD)
        .fold(0, |mask, c| mask | 1u64 << c);
    if mask == 0 {
        return (0, Box::default());
    }
    (mask, codes.into_boxed_slice())
}

/// Members from which an object keeps a hash index.
const INDEXED: usize = 8;

/// A member name's hash for [`SchemaMap`]'s index (fixed seed: the index is
/// built and read in one process, and a fixed hash keeps runs alike).
fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(name)
}

/// The hash index of `entries` (none for [`INDEXED`] or fewer: they are
/// searched in order), and whether a name is repeated. The index is an
/// open-addressed table, at most half full, of entry positions plus one (0:
/// an empty slot).
fn build_index(entries: &[(Text, SchemaValue)]) -> (Box<[u32]>, bool) {
    if entries.len() <= INDEXED {
        let repeated = entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries[..i].iter().any(|(other, _)| other == k));
        return (Box::default(), repeated);
    }
    let size = (entries.len() * 2).next_power_of_two();
    let mut index = vec![0u32; size].into_boxed_slice();
    let mut repeated = false;
    for (i, (name, _)) in entries.iter().enumerate() {
        let mut slot = name_hash(name) as usize & (size - 1);
        loop {
            match index[slot] {
                0 => {
                    index[slot] = i as u32 + 1;
                    break;
                }
                j if entries[j as usize - 1].0 == *name => {
                    repeated = true;
                    break;
                }
                _ => slot = (slot + 1) & (size - 1),
            }
        }
    }
    (index, repeated)
}

impl PartialEq for SchemaMap {
    /// Equal members, in any order (as JSON objects compare).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl SchemaMap {
    fn from_entries(entries: Vec<(Text, SchemaValue)>) -> Self {
        let (index, repeated) = build_index(&entries);
        if !repeated {
            let (keywords, member_keywords) = member_keywords(&entries);
            return Self {
                entries,
                index,
                keywords,
                member_keywords,
            };
        }
        // A repeated name keeps its first place and its last value, as
        // `serde_json::Map` (an `IndexMap`) does.
        let mut unique: Vec<(Text, SchemaValue)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match unique.iter_mut().find(|(other, _)| *other == k) {
                Some(slot) => slot.1 = v,
                None => unique.push((k, v)),
            }
        }
        let (index, _) = build_index(&unique);
        let (keywords, member_keywords) = member_keywords(&unique);
        Self {
            entries: unique,
            index,
            keywords,
            member_keywords,
        }
    }

    /// The values of `names` in this object, in one pass over its members
    /// (none when the object has none of them, without a pass).
    pub(crate) fn keywords<const N: usize>(
        &self,
        names: [Keyword; N],
    ) -> [Option<&SchemaValue>; N] {
        let mut out = [None; N];
        let wanted = names.iter().fold(0, |mask, k| mask | k.bit());
        if self.keywords & wanted == 0 {
            return out;
        }
        for (code, (_, value)) in self.member_keywords.iter().zip(&self.entries) {
            if *code == NOT_A_KEYWORD || wanted & 1u64 << code == 0 {
                continue;
            }
            if let Some(i) = names.iter().position(|n| *n as u8 == *code) {
                out[i] = Some(value);
            }
        }
        out
    }

    /// Whether any of `names` is a member (a bit test, no pass).
    pub(crate) fn has_any(&self, names: &[Keyword]) -> bool {
        self.keywords & names.iter().fold(0, |mask, k| mask | k.bit()) != 0
    }

    /// The value of member `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&SchemaValue> {
        if self.index.is_empty() {
            return self
                .entries
                .iter()
                .find(|(k, _)| k.as_ref() == name)
                .map(|(_, v)| v);
        }
        let mask = self.index.len() - 1;
        let mut slot = name_hash(name) as usize & mask;
        loop {
            let i = self.index[slot];
            if i == 0 {
                return None;
            }
            let (key, value) = &self.entries[i as usize - 1];
            if key.as_ref() == name {
                return Some(value);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The members in document order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &SchemaValue)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

impl SchemaValue {
    /// An object of these members (a repeated name keeps its last value).
    pub(crate) fn object(entries: Vec<(Text, SchemaValue)>) -> Self {
        SchemaValue::Object(SchemaMap::from_entries(entries))
    }

    pub(crate) fn as_object(&self) -> Option<&SchemaMap> {
        match self {
            SchemaValue::Object(map) => Some(map),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[SchemaValue]> {
        match self {
            SchemaValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            SchemaValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            SchemaValue::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            SchemaValue::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// Member `name` of an object.
    pub(crate) fn get(&self, name: &str) -> Option<&SchemaValue> {
        self.as_object()?.get(name)
    }

    /// The value at a JSON pointer (RFC 6901), as `Value::pointer`.
    pub(crate) fn pointer(&self, pointer: &str) -> Option<&SchemaValue> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |node, token| {
            let token = super::schema::unescape_pointer_token(token);
            match node {
                SchemaValue::Object(map) => map.get(&token),
                SchemaValue::Array(items) => {
                    // `Value::pointer`'s index rule: digits, no leading zero.
                    if token.starts_with('+') || (token.len() > 1 && token.starts_with('0')) {
                        return None;
                    }
                    items.get(token.parse::<usize>().ok()?)
                }
                _ => None,
            }
        })
    }

    /// The same tree as a `serde_json::Value`, for messages and tests.
    pub(crate) fn to_value(&self) -> Value {
        match self {
            SchemaValue::Null => Value::Null,
            SchemaValue::Bool(b) => Value::Bool(*b),
            SchemaValue::Number(n) => Value::Number(n.clone()),
            SchemaValue::String(s) => Value::String(s.to_string()),
            SchemaValue::Array(items) => Value::Array(items.iter().map(Self::to_value).collect()),
            SchemaValue::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.to_owned(), v.to_value()))
                    .collect(),
            ),
            SchemaValue::Part { name, .. } => serde_json::json!({
                "$ref": format!("#/properties/{}", super::schema::escape_pointer_token(name))
            }),
        }
    }

    /// A `serde_json::Value` as a schema value (strings copied).
    pub(crate) fn from_value(value: &Value) -> Self {
        match value {
            Value::Null => SchemaValue::Null,
            Value::Bool(b) => SchemaValue::Bool(*b),
            Value::Number(n) => SchemaValue::Number(n.clone()),
            Value::String(s) => SchemaValue::String(Cow::Owned(s.clone())),
            Value::Array(items) => SchemaValue::Array(items.iter().map(Self::from_value).collect()),
            Value::Object(map) => SchemaValue::Object(SchemaMap::from_entries(
                map.iter()
                    .map(|(k, v)| (Cow::Owned(k.clone()), Self::from_value(v)))
                    .collect(),
            )),
        }
    }

    /// Parses schema text that lives for the whole process (an embedded
    /// schema's part): its strings are borrowed, not copied.
    pub(crate) fn parse(text: &'static str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// Whether this schema value equals the template value `value`, as
    /// JSON (objects in any order, numbers by value as `serde_json` does).
    pub(crate) fn equals(&self, value: &Value) -> bool {
        match (self, value) {
            (SchemaValue::Null, Value::Null) => true,
            (SchemaValue::Bool(a), Value::Bool(b)) => a == b,
            (SchemaValue::Number(a), Value::Number(b)) => a == b,
            (SchemaValue::String(a), Value::String(b)) => a.as_ref() == b.as_str(),
            (SchemaValue::Array(a), Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equals(y))
            }
            (SchemaValue::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|other| v.equals(other)))
            }
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for SchemaValue
where
    'de: 'static,
{
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de: 'static> Visitor<'de> for ValueVisitor {
    type Value = SchemaValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<SchemaValue, E> {
        Ok(SchemaValue::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<SchemaValue, E> {
        Ok(SchemaValue::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<SchemaValue, E> {
        Ok(SchemaValue::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<SchemaValue, E> {
        Ok(SchemaValue::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<SchemaValue, E> {
        // serde_json's own `Value` turns a non-finite number into null.
        Ok(Number::from_f64(n).map_or(SchemaValue::Null, SchemaValue::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<SchemaValue, E> {
        Ok(SchemaValue::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<SchemaValue, E> {
        Ok(SchemaValue::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<SchemaValue, E> {
        Ok(SchemaValue::String(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SchemaValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(SchemaValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SchemaValue, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            entries.push((key, map.next_value()?));
        }
        Ok(SchemaValue::Object(SchemaMap::from_entries(entries)))
    }
}

/// A member name, borrowed when the text has no escapes.
struct KeySeed;

impl<'de: 'static> DeserializeSeed<'de> for KeySeed {
    type Value = Text;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Text, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de: 'static> Visitor<'de> for KeySeed {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Text, E> {
        Ok(Cow::Owned(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Text, E> {
        Ok(Cow::Owned(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every embedded schema parses to the same tree as serde_json's, its
    /// strings borrowed from the text where they have no escapes, and
    /// every pointer to a member or item answers as `Value::pointer` does.
    #[test]
    fn schemas_parse_as_serde_json_parses_them() {
        for info in crate::all_types() {
            let parsed = SchemaValue::parse(info.schema).expect(info.type_name);
            let whole: Value = serde_json::from_str(info.schema).unwrap();
            assert_eq!(parsed.to_value(), whole, "{}", info.type_name);
            assert!(parsed.equals(&whole), "{}", info.type_name);
            assert_eq!(
                SchemaValue::from_value(&whole),
                parsed,
                "{}",
                info.type_name
            );
            let mut pointers = Vec::new();
            collect_pointers(&whole, String::new(), &mut pointers);
            for p in pointers.iter().take(400) {
                assert_eq!(
                    parsed.pointer(p).map(SchemaValue::to_value).as_ref(),
                    whole.pointer(p),
                    "{}: {p}",
                    info.type_name
                );
            }
        }
        let Some(SchemaValue::Object(map)) = SchemaValue::parse(r#"{"type": "string"}"#) else {
            panic!("an object");
        };
        assert!(matches!(map.entries[0].0, Cow::Borrowed("type")));
        assert!(matches!(
            map.entries[0].1,
            SchemaValue::String(Cow::Borrowed("string"))
        ));
    }

    fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let token = k.replace('~', "~0").replace('/', "~1");
                    collect_pointers(v, format!("{at}/{token}"), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    collect_pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn lookups_escapes_repeats_and_equality() {
        // Small and indexed objects, a repeated name, escapes, numbers.
        let text: &'static str = r#"{"b": 1, "a": [true, null, 2.5], "a\"q": "x\ny",
            "k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"b": -3}"#;
        let parsed = SchemaValue::parse(text).unwrap();
        let whole: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parsed.to_value(), whole);
        assert_eq!(parsed.get("b").and_then(SchemaValue::as_f64), Some(-3.0));
        assert_eq!(
            parsed.get("a\"q").and_then(SchemaValue::as_str),
            Some("x\ny")
        );
        for i in 0..7 {
            assert_eq!(
                parsed.get(&format!("k{i}")).and_then(SchemaValue::as_u64),
                Some(i)
            );
        }
        assert!(parsed.get("missing").is_none());
        assert_eq!(parsed.as_object().map(SchemaMap::len), Some(10));
        // The repeated "b": its first place, its last value (serde_json's rule).
        assert_eq!(parsed.as_object().and_then(|m| m.keys().next()), Some("b"));
        let small = SchemaValue::parse(r#"{"y": 1, "x": 2}"#).unwrap();
        assert_eq!(small.get("x").and_then(SchemaValue::as_u64), Some(2));
        // Equality with template values: objects in any order, numbers by value.
        assert!(small.equals(&json!({"x": 2, "y": 1})));
        assert!(!small.equals(&json!({"x": 2, "y": 1, "z": 0})));
        assert!(!small.equals(&json!({"x": 2})));
        assert!(!small.equals(&json!({"x": "2", "y": 1})));
        assert!(SchemaValue::parse("[1, \"a\"]")
            .unwrap()
            .equals(&json!([1, "a"])));
        assert!(SchemaValue::parse("1.0").unwrap().equals(&json!(1.0)));
        assert!(SchemaValue::parse("not json").is_none());
    }

    #[test]
    fn keywords_are_found_in_the_order_asked_and_absent_ones_are_none() {
        let schema = SchemaValue::parse(
            r#"{"description": "x", "maxLength": 5, "type": "string", "pattern": "^a$", "type": "integer"}"#,
        )
        .unwrap();
        let map = schema.as_object().unwrap();
        let [pattern, type_, min, reference] = map.keywords([
            Keyword::Pattern,
            Keyword::Type,
            Keyword::MinLength,
            Keyword::Ref,
        ]);
        assert_eq!(pattern.and_then(SchemaValue::as_str), Some("^a$"));
        // A repeated member: its last value.
        assert_eq!(type_.and_then(SchemaValue::as_str), Some("integer"));
        assert!(min.is_none() && reference.is_none());
        assert_eq!(map.keywords([Keyword::AllOf, Keyword::Not]), [None, None]);
        // Every keyword name maps to its keyword, and other names to none.
        for (name, keyword) in [("$ref", Keyword::Ref), ("requiredOr", Keyword::RequiredOr)] {
            assert_eq!(Keyword::of(name), Some(keyword));
        }
        assert_eq!(Keyword::of("description"), None);
    }
}
