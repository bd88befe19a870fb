//! The parsed document: a JSON-like tree where every node knows its line and
//! column, built by the JSON reader ([`super::json`]) and the YAML reader
//! ([`super::yaml`]).

use std::fmt;

/// A place in the template text: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl Position {
    /// The start of the text (`1:1`), used when nothing better is known.
    pub const START: Position = Position { line: 1, column: 1 };
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A node of the parsed document with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub pos: Position,
    pub val: Val,
}

/// The value of a node. Short-form YAML tags are already expanded into their
/// long form (`!Ref X` is a one-key map `{"Ref": "X"}`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A number JSON can hold exactly but neither i64 nor a finite f64 (a u64 above i64::MAX).
    Number(serde_json::Number),
    Str(String),
    Seq(Vec<Item>),
    /// Keys in document order, each with the position of the key.
    Map(Vec<(String, Position, Item)>),
}

impl Item {
    pub fn new(pos: Position, val: Val) -> Self {
        Item { pos, val }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.val {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(String, Position, Item)]> {
        match &self.val {
            Val::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Item]> {
        match &self.val {
            Val::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The node as plain JSON (no interpretation of intrinsics).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.val {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Val::Number(n) => Value::Number(n.clone()),
            Val::Str(s) => Value::String(s.clone()),
            Val::Seq(items) => Value::Array(items.iter().map(Item::to_json).collect()),
            Val::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, _, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A short description of the node's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.val {
            Val::Null => "null",
            Val::Bool(_) => "a boolean",
            Val::Int(_) | Val::Float(_) | Val::Number(_) => "a number",
            Val::Str(_) => "a string",
            Val::Seq(_) => "a list",
            Val::Map(_) => "an object",
        }
    }
}

/// A parse error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub pos: Position,
    pub code: &'static str,
    pub message: String,
}

impl ParseError {
    pub fn new(pos: Position, code: &'static str, message: impl Into<String>) -> Self {
        ParseError {
            pos,
            code,
            message: message.into(),
        }
    }
}
