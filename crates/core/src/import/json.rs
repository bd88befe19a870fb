//! A JSON reader that keeps the line and column of every value and rejects
//! duplicate keys (serde_json keeps the last of two equal keys silently; a
//! template with two equal keys is ambiguous, and cfn-lint rejects it too, E0000).

use super::tree::{Item, ParseError, Position, Val};

/// Deepest nesting accepted, so that hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

pub(crate) fn parse(text: &str) -> Result<Item, ParseError> {
    let mut p = Reader {
        bytes: text.as_bytes(),
        text,
        i: 0,
        line: 1,
        col: 1,
    };
    // A byte-order mark is allowed before the document.
    if text.starts_with('\u{feff}') {
        p.i = 3;
    }
    p.skip_ws();
    let item = p.value(0)?;
    p.skip_ws();
    if p.i < p.bytes.len() {
        return Err(p.error("import/syntax", "unexpected text after the JSON document"));
    }
    Ok(item)
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    i: usize,
    line: usize,
    col: usize,
}

impl Reader<'_> {
    fn pos(&self) -> Position {
        Position {
            line: self.line,
            column: self.col,
        }
    }

    fn error(&self, code: &'static str, message: impl Into<String>) -> ParseError {
        ParseError::new(self.pos(), code, message)
    }

    fn bump(&mut self) {
        if let Some(&b) = self.bytes.get(self.i) {
            self.i += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), ParseError> {
        if self.peek() == Some(b) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{}'", b as char)))
        }
    }

    fn unexpected(&self, wanted: &str) -> ParseError {
        match self.text.get(self.i..).and_then(|s| s.chars().next()) {
            Some(c) => self.error("import/syntax", format!("expected {wanted}, found '{c}'")),
            None => self.error(
                "import/syntax",
                format!("expected {wanted}, found the end of the text"),
            ),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Item, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(
                "import/syntax",
                format!("nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let pos = self.pos();
        match self.peek() {
            Some(b'{') => {
                self.bump();
                let mut entries: Vec<(String, Position, Item)> = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.bump();
                    return Ok(Item::new(pos, Val::Map(entries)));
                }
                loop {
                    self.skip_ws();
                    let key_pos = self.pos();
                    if self.peek() != Some(b'"') {
                        return Err(self.unexpected("a string key"));
                    }
                    let key = self.string()?;
                    if let Some((_, first, _)) = entries.iter().find(|(k, _, _)| *k == key) {
                        return Err(ParseError::new(
                            key_pos,
                            "import/duplicate-key",
                            format!("duplicate key '{key}' (first at {first})"),
                        ));
                    }
                    self.skip_ws();
                    self.expect(b':')?;
                    self.skip_ws();
                    let v = self.value(depth + 1)?;
                    entries.push((key, key_pos, v));
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.bump(),
                        Some(b'}') => {
                            self.bump();
                            return Ok(Item::new(pos, Val::Map(entries)));
                        }
                        _ => return Err(self.unexpected("',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                self.bump();
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.bump();
                    return Ok(Item::new(pos, Val::Seq(items)));
                }
                loop {
                    self.skip_ws();
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.bump(),
                        Some(b']') => {
                            self.bump();
                            return Ok(Item::new(pos, Val::Seq(items)));
                        }
                        _ => return Err(self.unexpected("',' or ']'")),
                    }
                }
            }
            Some(b'"') => Ok(Item::new(pos, Val::Str(self.string()?))),
            Some(b't') => self.word("true", Item::new(pos, Val::Bool(true))),
            Some(b'f') => self.word("false", Item::new(pos, Val::Bool(false))),
            Some(b'n') => self.word("null", Item::new(pos, Val::Null)),
            Some(b'-' | b'0'..=b'9') => self.number(pos),
            _ => Err(self.unexpected("a value")),
        }
    }

    fn word(&mut self, word: &str, item: Item) -> Result<Item, ParseError> {
        if self.bytes[self.i..].starts_with(word.as_bytes()) {
            for _ in 0..word.len() {
                self.bump();
            }
            Ok(item)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    fn number(&mut self, pos: Position) -> Result<Item, ParseError> {
        let start = self.i;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.bump();
        }
        let slice = &self.text[start..self.i];
        let number: serde_json::Number = serde_json::from_str(slice).map_err(|_| {
            ParseError::new(pos, "import/syntax", format!("'{slice}' is not a number"))
        })?;
        Ok(Item::new(pos, number_val(number)))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        let pos = self.pos();
        let start = self.i;
        self.bump(); // opening quote
        let mut escaped = false;
        loop {
            match self.peek() {
                None => {
                    return Err(ParseError::new(
                        pos,
                        "import/syntax",
                        "string not closed before the end of the text",
                    ))
                }
                Some(b'"') => {
                    self.bump();
                    break;
                }
                Some(b'\\') => {
                    escaped = true;
                    self.bump();
                    self.bump();
                }
                Some(b) if b < 0x20 => {
                    return Err(self.error("import/syntax", "control character in a string"))
                }
                Some(_) => self.bump(),
            }
        }
        let slice = &self.text[start..self.i];
        if !escaped {
            return Ok(slice[1..slice.len() - 1].to_owned());
        }
        serde_json::from_str(slice)
            .map_err(|e| ParseError::new(pos, "import/syntax", format!("bad string: {e}")))
    }
}

/// A JSON number as the tree holds it: i64 when it is one, else f64, else exact.
pub(crate) fn number_val(number: serde_json::Number) -> Val {
    if let Some(i) = number.as_i64() {
        Val::Int(i)
    } else if number.is_f64() {
        match number.as_f64() {
            Some(f) if f.is_finite() => Val::Float(f),
            _ => Val::Number(number),
        }
    } else {
        Val::Number(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_errors() {
        let doc = parse("{\n  \"a\": [1, 2.5, \"x\\n\"],\n  \"b\": null}").expect("valid");
        let map = doc.as_map().expect("map");
        assert_eq!(map[1].1, Position { line: 3, column: 3 });
        assert_eq!(map[0].2.pos, Position { line: 2, column: 8 });
        let e = parse("{\"a\": 1,\n \"a\": 2}").expect_err("duplicate");
        assert_eq!(
            (e.code, e.pos.line, e.pos.column),
            ("import/duplicate-key", 2, 2)
        );
        let e = parse("{\"a\" 1}").expect_err("syntax");
        assert_eq!((e.pos.line, e.pos.column), (1, 6));
        assert!(parse(&"[".repeat(100_000)).is_err());
        for garbage in ["", "{", "\"", "[1,]", "-", "1e", "{\"a\":tru}", "\u{feff}"] {
            assert!(parse(garbage).is_err(), "{garbage:?}");
        }
    }
}
