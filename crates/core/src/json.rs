//! JSON objects and arrays whose values may be references.
//!
//! [`Expr::json`] takes a literal `serde_json::Value`: fine for a fixed
//! document, but a value that must refer to a parameter or a resource
//! (a Flink application's property map, the nested properties of a raw
//! resource) would have to be written as `{"Ref": "LogicalId"}` by hand, a
//! logical ID the library cannot check when it moves. [`JsonObject`] and
//! [`JsonArray`] hold typed values instead: literals, any [`Expr<T>`], a
//! parameter handle, or another object or array. References inside them are
//! the same expression tree as everywhere else, so synth resolves their
//! logical IDs, orders resources by them, and reports them as it reports any
//! other reference (`ref/dangling`, `ref/cross-stack`, `dependency/cycle`,
//! `depends-on/redundant`).
//!
//! Keys are written in sorted order (the canonical JSON output sorts every
//! object). A key such as `Ref` or `Fn::Sub` is written as it is, and
//! CloudFormation would read the object as an intrinsic function: use the
//! typed functions of [`Expr`] for those.
//!
//! ```
//! use streamcdk_core::{JsonArray, JsonObject, Expr, Json, Pseudo, Stack};
//!
//! let stack = Stack::new("demo");
//! let stream = stack.scope("Kds").add_resource("Stream", "AWS::Kinesis::Stream");
//! let window = stack.number_parameter("WindowSeconds").default(60);
//! let properties: Expr<Json> = JsonObject::new()
//!     .set("PropertyGroupId", "FlinkApplicationProperties")
//!     .set("PropertyMap", JsonObject::new()
//!         .set("InputStreamName", stream.ref_())
//!         .set("Region", Pseudo::region())
//!         .set("WindowSeconds", &window)
//!         .set("Parallel", true))
//!     .into();
//! let app = stack.scope("Flink").add_resource("App", "AWS::KinesisAnalyticsV2::Application");
//! app.set_property("EnvironmentProperties", JsonObject::new()
//!     .set("PropertyGroups", JsonArray::new().push(properties)));
//! let template = stack.synth().unwrap().template;
//! let group = &template.value()["Resources"]["FlinkApp"]["Properties"]["EnvironmentProperties"]["PropertyGroups"][0];
//! assert_eq!(group["PropertyMap"]["InputStreamName"], serde_json::json!({"Ref": "KdsStream"}));
//! ```

use std::collections::BTreeMap;

use crate::expr::{Expr, Json, Node};
use crate::stack::Parameter;

/// A value that can be put into a [`JsonObject`] or a [`JsonArray`]:
/// literals (`&str`, `String`, integers, `f64`, `bool`, `serde_json::Value`),
/// any [`Expr<T>`], a [`Parameter`] handle (its `Ref`), or another
/// [`JsonObject`] / [`JsonArray`].
pub trait IntoJson {
    /// The untyped node this value is written as.
    fn into_json_node(self) -> Node;
}

impl<T> IntoJson for Expr<T> {
    fn into_json_node(self) -> Node {
        self.into_node()
    }
}
impl<T> IntoJson for &Expr<T> {
    fn into_json_node(self) -> Node {
        self.node().clone()
    }
}
impl<T> IntoJson for &Parameter<T> {
    fn into_json_node(self) -> Node {
        self.expr().into_node()
    }
}
impl IntoJson for &str {
    fn into_json_node(self) -> Node {
        Node::Str(self.to_owned())
    }
}
impl IntoJson for String {
    fn into_json_node(self) -> Node {
        Node::Str(self)
    }
}
impl IntoJson for i64 {
    fn into_json_node(self) -> Node {
        Node::Int(self)
    }
}
impl IntoJson for i32 {
    fn into_json_node(self) -> Node {
        Node::Int(i64::from(self))
    }
}
impl IntoJson for u32 {
    fn into_json_node(self) -> Node {
        Node::Int(i64::from(self))
    }
}
impl IntoJson for f64 {
    fn into_json_node(self) -> Node {
        Node::Float(self)
    }
}
impl IntoJson for bool {
    fn into_json_node(self) -> Node {
        Node::Bool(self)
    }
}
impl IntoJson for serde_json::Value {
    fn into_json_node(self) -> Node {
        Node::Json(self)
    }
}
impl IntoJson for JsonObject {
    fn into_json_node(self) -> Node {
        Node::Map(self.entries)
    }
}
impl IntoJson for JsonArray {
    fn into_json_node(self) -> Node {
        Node::List(self.items)
    }
}

/// A JSON object whose values may be references; becomes an [`Expr<Json>`].
/// See the [module documentation](self).
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct JsonObject {
    entries: BTreeMap<String, Node>,
}

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value` (replacing an earlier value of that key).
    pub fn set(mut self, key: impl Into<String>, value: impl IntoJson) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets `key` to `value` in place (replacing an earlier value of that key).
    pub fn insert(&mut self, key: impl Into<String>, value: impl IntoJson) -> &mut Self {
        self.entries.insert(key.into(), value.into_json_node());
        self
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the object has no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The object as an expression.
    pub fn to_expr(&self) -> Expr<Json> {
        Expr::from_node(Node::Map(self.entries.clone()))
    }
}

impl<K: Into<String>, V: IntoJson> FromIterator<(K, V)> for JsonObject {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut object = Self::new();
        for (k, v) in iter {
            object.insert(k, v);
        }
        object
    }
}

impl From<JsonObject> for Expr<Json> {
    fn from(object: JsonObject) -> Self {
        Expr::from_node(object.into_json_node())
    }
}

/// A JSON array whose items may be references; becomes an [`Expr<Json>`].
/// See the [module documentation](self).
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct JsonArray {
    items: Vec<Node>,
}

impl JsonArray {
    /// An empty array.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `value`.
    pub fn push(mut self, value: impl IntoJson) -> Self {
        self.items.push(value.into_json_node());
        self
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if the array has no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The array as an expression.
    pub fn to_expr(&self) -> Expr<Json> {
        Expr::from_node(Node::List(self.items.clone()))
    }
}

impl<V: IntoJson> FromIterator<V> for JsonArray {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> Self {
        Self {
            items: iter.into_iter().map(IntoJson::into_json_node).collect(),
        }
    }
}

impl From<JsonArray> for Expr<Json> {
    fn from(array: JsonArray) -> Self {
        Expr::from_node(array.into_json_node())
    }
}

/// Appends `text` to `out` as a JSON string, quoted and escaped exactly as
/// serde_json escapes it: `\"`, `\\`, the short forms `\b \f \n \r \t`,
/// `\u00XX` (lowercase hex) for the other control characters, every other
/// character as it is. Runs without escapes are copied whole, eight bytes
/// tested at a time. For code that writes JSON text by hand on synth's
/// path (the template's canonical JSON, CloudWatch dashboard bodies), where
/// a `Value` and a `String` per string would cost more than the text.
pub fn push_json_string(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push('"');
    // `start`: the first byte not yet copied. Eight bytes are tested at a
    // time; a word that holds a byte to escape gives that byte's place (the
    // lowest flagged byte of `escape_mask` is always a real one), so a
    // string with escapes costs one test per escape, not one per byte.
    let mut start = 0;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&bytes[i..i + 8]);
        let mask = escape_mask(u64::from_le_bytes(eight));
        if mask == 0 {
            i += 8;
            continue;
        }
        let at = i + (mask.trailing_zeros() / 8) as usize;
        // Escaped bytes are ASCII, so `at` is a character boundary.
        out.push_str(&text[start..at]);
        push_escape(out, bytes[at]);
        start = at + 1;
        i = at + 1;
    }
    while i < bytes.len() {
        if ESCAPES[usize::from(bytes[i])] != 0 {
            out.push_str(&text[start..i]);
            push_escape(out, bytes[i]);
            start = i + 1;
        }
        i += 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// Appends `number` as serde_json writes it: integers digit by digit
/// (dashboards and templates hold thousands of small ones, and `Display`
/// goes through the formatting machinery for each), other numbers through
/// `Number`'s `Display` (ryu).
pub fn push_json_number(out: &mut String, number: &serde_json::Number) {
    if let Some(n) = number.as_u64() {
        push_u64(out, n);
    } else if let Some(n) = number.as_i64() {
        out.push('-');
        push_u64(out, n.unsigned_abs());
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{number}");
    }
}

/// Appends the decimal digits of `n`.
fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

/// The length in bytes of `text` once escaped as [`push_json_string`]
/// writes it, without the quotes (for size limits measured on JSON text,
/// such as IAM's policy quotas).
pub fn escaped_len(text: &str) -> usize {
    text.bytes()
        .map(|b| match ESCAPES[usize::from(b)] {
            0 => 1,
            b'u' => 6,
            _ => 2,
        })
        .sum()
}

/// Appends the escape of byte `b` (one JSON escapes: see [`ESCAPES`]).
fn push_escape(out: &mut String, b: u8) {
    let escape = ESCAPES[usize::from(b)];
    out.push('\\');
    if escape == b'u' {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push_str("u00");
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    } else {
        out.push(char::from(escape));
    }
}

/// For each byte, the letter after the backslash JSON escapes it with
/// (`u` for `\u00XX`), or 0 for a byte written as it is.
const ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table
};

/// Member `name` of a JSON object (`None` when it has none, or `value` is
/// not an object), as `Value::get` finds it. A small object (a resource
/// body, an intrinsic function, most property objects: up to
/// [`SCANNED_MEMBERS`] members) is searched by comparing names (their
/// lengths first), which costs less than serde_json's map, whose every
/// lookup hashes the name with SipHash; a larger one is looked up as usual.
/// For checks that read a few members of every resource of a template.
pub fn member<'v>(value: &'v serde_json::Value, name: &str) -> Option<&'v serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => object_member(map, name),
        _ => None,
    }
}

/// `value[name]` as serde_json's index operator gives it (`Null` when the
/// member is absent or `value` is not an object), found as [`member`] finds
/// it: for checks that read a few members of every resource.
pub fn at<'v>(value: &'v serde_json::Value, name: &str) -> &'v serde_json::Value {
    static NULL: serde_json::Value = serde_json::Value::Null;
    member(value, name).unwrap_or(&NULL)
}

/// The most members [`member`] and [`object_member`] search by comparing
/// names; a larger object is looked up by hash.
pub const SCANNED_MEMBERS: usize = 16;

/// Member `name` of `map`, as `Map::get` finds it: by comparing names when
/// the map has at most [`SCANNED_MEMBERS`] members (see [`member`]).
pub fn object_member<'v>(
    map: &'v serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'v serde_json::Value> {
    if map.len() <= SCANNED_MEMBERS {
        map.iter()
            .find_map(|(k, v)| (k.as_str() == name).then_some(v))
    } else {
        map.get(name)
    }
}

/// The high bit of each of the eight bytes of `word` (little-endian) that
/// may be a control character, `"` or `\\` (the bytes JSON escapes), by the
/// usual word-at-a-time tests: a byte below 0x20, or equal to 0x22 or 0x5c.
/// The lowest flagged byte is always one of them (a borrow can flag a byte
/// above a real one, never below); zero means none is. Bytes of 0x80 and
/// above (UTF-8) are never flagged.
fn escape_mask(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_0x20 = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    below_0x20
        | has_zero(word ^ (ONES * u64::from(b'"')))
        | has_zero(word ^ (ONES * u64::from(b'\\')))
}

#[cfg(test)]
mod tests {
    #[test]
    fn members_are_found_in_small_and_large_objects_as_get_finds_them() {
        let small = serde_json::json!({"Type": "AWS::SQS::Queue", "Properties": {"A": 1}});
        let mut large = serde_json::Map::new();
        for i in 0..20 {
            large.insert(format!("K{i}"), serde_json::json!(i));
        }
        let large = serde_json::Value::Object(large);
        // Scanned up to SCANNED_MEMBERS members, hashed past it.
        let mut medium = serde_json::Map::new();
        for i in 0..SCANNED_MEMBERS {
            medium.insert(format!("M{i}"), serde_json::json!(i));
        }
        let medium = serde_json::Value::Object(medium);
        for (value, name) in [
            (&small, "Type"),
            (&small, "Properties"),
            (&small, "Missing"),
            (&medium, "M0"),
            (&medium, "M15"),
            (&medium, "M16"),
            (&large, "K0"),
            (&large, "K19"),
            (&large, "K20"),
        ] {
            assert_eq!(member(value, name), value.get(name), "{name}");
            assert_eq!(at(value, name), &value[name], "{name}");
        }
        assert_eq!(member(&serde_json::json!([1, 2]), "0"), None);
        assert_eq!(member(&serde_json::json!("text"), "Type"), None);
        assert_eq!(
            at(&serde_json::json!("text"), "Type"),
            &serde_json::Value::Null
        );
    }

    #[test]
    fn escaped_lengths_and_numbers_are_serde_jsons() {
        let mut every_byte = String::new();
        for b in 0u8..=0x7f {
            every_byte.push(char::from(b));
        }
        for text in [
            "",
            "plain",
            "quote\"",
            "back\\slash",
            "é€😀",
            every_byte.as_str(),
        ] {
            let serialized = serde_json::to_string(text).unwrap();
            assert_eq!(escaped_len(text), serialized.len() - 2, "{text:?}");
        }
        for number in [
            serde_json::json!(0),
            serde_json::json!(7),
            serde_json::json!(1234567890),
            serde_json::json!(u64::MAX),
            serde_json::json!(-1),
            serde_json::json!(i64::MIN),
            serde_json::json!(2.5),
            serde_json::json!(-0.0),
            serde_json::json!(1e300),
        ] {
            let serde_json::Value::Number(n) = &number else {
                unreachable!("a number")
            };
            let mut out = String::new();
            push_json_number(&mut out, n);
            assert_eq!(out, number.to_string());
        }
    }

    use super::*;
    use crate::{Pseudo, Stack};
    use serde_json::json;

    fn codes(stack: &Stack) -> Vec<String> {
        match stack.synth() {
            Ok(_) => Vec::new(),
            Err(e) => e.errors().map(|d| d.code.to_string()).collect(),
        }
    }

    #[test]
    fn objects_and_arrays_are_written_with_their_references() {
        let stack = Stack::new("t");
        let bucket = stack.root().add_resource("Bucket", "AWS::S3::Bucket");
        let name = stack.string_parameter("Name");
        let raw = stack.root().add_resource("Raw", "Custom::Thing");
        raw.set_property::<Json>(
            "Config",
            JsonObject::new()
                .set("Bucket", bucket.ref_())
                .set("Arn", bucket.get_att::<String>("Arn"))
                .set("Name", &name)
                .set("Region", Pseudo::region())
                .set("Count", 3)
                .set("Ratio", 0.5)
                .set("On", false)
                .set("Literal", json!({"a": [1, 2]}))
                .set(
                    "List",
                    ["x", "y"]
                        .into_iter()
                        .collect::<JsonArray>()
                        .push(bucket.ref_()),
                ),
        );
        let t = stack.synth().unwrap().template;
        assert_eq!(
            t.value()["Resources"]["Raw"]["Properties"]["Config"],
            json!({
                "Arn": {"Fn::GetAtt": ["Bucket", "Arn"]},
                "Bucket": {"Ref": "Bucket"},
                "Count": 3,
                "List": ["x", "y", {"Ref": "Bucket"}],
                "Literal": {"a": [1, 2]},
                "Name": {"Ref": "Name"},
                "On": false,
                "Ratio": 0.5,
                "Region": {"Ref": "AWS::Region"}
            })
        );
        // The parameter counts as used: no `parameter/unused` warning.
        let synthesized = stack.synth().unwrap();
        assert!(!synthesized
            .warnings
            .iter()
            .any(|w| w.code == "parameter/unused"));
    }

    #[test]
    fn references_inside_json_are_checked() {
        // A DependsOn on a resource the object already refers to is redundant.
        let stack = Stack::new("t");
        let a = stack.root().add_resource("A", "Custom::A");
        let b = stack.root().add_resource("B", "Custom::B");
        a.set_property::<Json>(
            "Config",
            JsonObject::new().set(
                "Nested",
                JsonArray::new().push(JsonObject::new().set("B", b.ref_())),
            ),
        );
        a.add_dependency(&b);
        assert_eq!(codes(&stack), ["depends-on/redundant"]);

        // A cycle through two objects.
        let stack = Stack::new("t");
        let a = stack.root().add_resource("A", "Custom::A");
        let b = stack.root().add_resource("B", "Custom::B");
        a.set_property::<Json>("Config", JsonObject::new().set("B", b.ref_()));
        b.set_property::<Json>(
            "Config",
            JsonObject::new().set("A", a.get_att::<String>("Arn")),
        );
        assert!(codes(&stack).contains(&"dependency/cycle".to_owned()));

        // A reference to nothing, and a handle of another stack.
        let other = Stack::new("other");
        let foreign = other.root().add_resource("Foreign", "Custom::F");
        let stack = Stack::new("t");
        let a = stack.root().add_resource("A", "Custom::A");
        a.set_property::<Json>(
            "Config",
            JsonObject::new()
                .set("Missing", Expr::<String>::raw_ref("Nowhere"))
                .set("Foreign", JsonArray::new().push(foreign.ref_())),
        );
        let found = codes(&stack);
        assert!(found.contains(&"ref/dangling".to_owned()), "{found:?}");
        assert!(found.contains(&"ref/cross-stack".to_owned()), "{found:?}");
    }
}
