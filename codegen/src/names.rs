//! Rust names and rustdoc text from schema names and descriptions.

/// Rust keywords (strict and reserved) that cannot be used as plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Method names a generated setter or accessor must not take, because the
/// generated types already have them (or derive traits that do).
const TAKEN_METHODS: &[&str] = &[
    "default",
    "new",
    "clone",
    "from",
    "into",
    "fmt",
    "eq",
    "ne",
    "resource",
    "ref_",
    "into_properties",
];

/// Splits a schema name into lowercase words: `KMSMasterKeyID` gives
/// `kms`, `master`, `key`, `id`; `Ipv6CidrBlock` gives `ipv6`, `cidr`, `block`.
pub fn words(name: &str) -> Vec<String> {
    // Binary units read as one word: `MaxRecordSizeInKiB` is `max_record_size_in_kib`.
    let name = name
        .replace("KiB", "Kib")
        .replace("MiB", "Mib")
        .replace("GiB", "Gib")
        .replace("MBs", "Mbs");
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut current));
            }
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `snake_case`, made a valid identifier (a keyword or taken method name gets a trailing `_`).
pub fn snake(name: &str) -> String {
    let mut s = words(name).join("_");
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if KEYWORDS.contains(&s.as_str()) || TAKEN_METHODS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// `PascalCase` in Rust style (`VPCGatewayAttachment` gives `VpcGatewayAttachment`).
pub fn pascal(name: &str) -> String {
    let mut s: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("N{s}");
    }
    s
}

/// Removes HTML tags (`<p>`, `</code>`, `<a href="...">`) and keeps other `<`.
fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let looks_like_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match (looks_like_tag, after.find('>')) {
            (true, Some(end)) if !after[..end].contains('<') => rest = &after[end + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Rewrites Markdown links `[text](url)` as `text (url)`, so that the URL becomes an autolink.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(mid) = rest.find("](") {
        let open = rest[..mid].rfind('[');
        let close = rest[mid + 2..].find(')').map(|c| mid + 2 + c);
        match (open, close) {
            (Some(o), Some(c)) if !rest[mid + 2..c].contains(char::is_whitespace) => {
                out.push_str(&rest[..o]);
                out.push_str(&rest[o + 1..mid]);
                out.push_str(" (");
                out.push_str(&rest[mid + 2..c]);
                out.push(')');
                rest = &rest[c + 1..];
            }
            _ => {
                out.push_str(&rest[..mid + 2]);
                rest = &rest[mid + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes one word for Markdown; URLs become autolinks.
fn escape_word(word: &str, out: &mut String) {
    let start = word.find("https://").or_else(|| word.find("http://"));
    if let Some(start) = start {
        let url_and_tail = &word[start..];
        let url = url_and_tail.trim_end_matches(['.', ',', ';', ')', ':', '"', '\'']);
        if !url.contains(['<', '>']) {
            escape_plain(&word[..start], out);
            out.push('<');
            out.push_str(url);
            out.push('>');
            escape_plain(&url_and_tail[url.len()..], out);
            return;
        }
    }
    escape_plain(word, out);
}

/// Escapes a word (or part of one) that holds no URL.
fn escape_plain(word: &str, out: &mut String) {
    // A word that could start a Markdown list or block when a line wraps before it.
    if word == "-" || word == "+" || word == "=" {
        out.push('\\');
    }
    let numbered = word.len() > 1
        && (word.ends_with('.') || word.ends_with(')'))
        && word[..word.len() - 1].chars().all(|c| c.is_ascii_digit());
    if numbered {
        out.push_str(&word[..word.len() - 1]);
        out.push('\\');
        out.push_str(&word[word.len() - 1..]);
        return;
    }
    for c in word.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '[' | ']' | '`' | '*' | '_' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
}

/// The rustdoc text of a schema description: the first paragraph, without
/// HTML, on one line, escaped for Markdown, at most about 400 characters.
pub fn doc_text(description: &str) -> String {
    let text = unlink(&strip_html(description));
    let paragraph = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or_default();
    let mut words: Vec<&str> = paragraph.split_whitespace().collect();
    let mut shortened = false;
    let mut length = 0;
    for (i, w) in words.iter().enumerate() {
        length += w.len() + 1;
        if length > 400 {
            words.truncate(i);
            shortened = true;
            break;
        }
    }
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        escape_word(w, &mut out);
    }
    if shortened {
        out.push_str(" …");
    }
    out
}

/// `text` as `///` lines at `indent`, wrapped at about 100 columns.
pub fn doc_lines(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split('\n') {
        if paragraph.is_empty() {
            out.push_str(indent);
            out.push_str("///\n");
            continue;
        }
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && line.len() + word.len() + indent.len() > 96 {
                out.push_str(&format!("{indent}/// {line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&format!("{indent}/// {line}\n"));
    }
    out
}

/// A Rust string literal of `s`.
pub fn string_literal(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_acronyms_and_keeps_digits() {
        assert_eq!(snake("KMSMasterKeyID"), "kms_master_key_id");
        assert_eq!(snake("Ipv6CidrBlock"), "ipv6_cidr_block");
        assert_eq!(
            snake("S3DestinationConfiguration"),
            "s3_destination_configuration"
        );
        assert_eq!(snake("OKActions"), "ok_actions");
        assert_eq!(snake("WarmThroughputMiBps"), "warm_throughput_mibps");
        assert_eq!(snake("Type"), "type_");
        assert_eq!(snake("Default"), "default_");
        assert_eq!(pascal("VPCGatewayAttachment"), "VpcGatewayAttachment");
        assert_eq!(pascal("RestApi"), "RestApi");
    }

    #[test]
    fn docs_are_escaped() {
        assert_eq!(
            doc_text("Use <code>a_b</code> [x] see https://x.y/z.\n\nMore."),
            "Use a\\_b \\[x\\] see <https://x.y/z>."
        );
        assert_eq!(
            doc_text("A [Tag](https://x.y/t.html). (https://a.b/c)"),
            "A Tag (<https://x.y/t.html>). (<https://a.b/c>)"
        );
        assert_eq!(doc_text("1 < 2 > 0"), "1 &lt; 2 &gt; 0");
    }
}
