//! A character-level backtracking matcher over `regex-syntax`'s HIR, for the
//! schema patterns the [`simple`](super::simple) path does not take.
//!
//! Why not compile them: a synth checks each pattern against a handful of
//! short property values, and building a regex engine's automaton costs far
//! more than that. A class such as `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (the tag
//! pattern of many schemas) becomes thousands of UTF-8 byte-range states: in
//! `synth --all` twelve such compilations were 18 million instructions, a
//! sixth of the whole process. Parsing the pattern into HIR is cheap, a
//! Unicode class there is a sorted list of ranges, and walking the HIR over
//! a value of a few dozen characters is a few hundred steps.
//!
//! The matcher answers "does the pattern match anywhere in the text" (JSON
//! Schema's unanchored `pattern`), with the HIR's own semantics, which are
//! the regex engine's. It gives up (`None`), and the caller compiles the
//! pattern with `fancy-regex` instead, when:
//! - the pattern does not parse as a plain regex (look-around, back
//!   references: `fancy-regex` syntax);
//! - it uses an assertion this matcher does not evaluate (Unicode word
//!   boundaries, CRLF-mode anchors);
//! - a match takes more than [`STEP_LIMIT`] steps or nests deeper than
//!   [`DEPTH_LIMIT`] (a pathological pattern or a very long value): then the
//!   automaton, which has no such worst case, is worth its cost.
//!
//! A test runs every schema pattern on a corpus through both this matcher
//! and `fancy-regex` and requires the same answer.

use regex_syntax::hir::{Class, Hir, HirKind, Look, Repetition};

/// Steps (HIR nodes visited) one match may take before it gives up.
const STEP_LIMIT: u32 = 20_000;
/// Nesting of backtracking frames one match may reach before it gives up
/// (each repetition of a multi-character group is one frame).
const DEPTH_LIMIT: u32 = 500;

/// The parsed pattern, or `None` when it is not plain regex syntax or uses
/// an assertion this matcher does not evaluate.
pub(super) fn parse(translated: &str) -> Option<Hir> {
    let hir = regex_syntax::Parser::new().parse(translated).ok()?;
    supported(&hir).then_some(hir)
}

fn supported(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => true,
        HirKind::Look(look) => matches!(
            look,
            Look::Start
                | Look::End
                | Look::StartLF
                | Look::EndLF
                | Look::WordAscii
                | Look::WordAsciiNegate
        ),
        HirKind::Repetition(r) => supported(&r.sub),
        HirKind::Capture(c) => supported(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(supported),
    }
}

/// Whether `hir` matches somewhere in `text`; `None` when the match would
/// cost more than the limits allow (the caller then uses the regex engine).
pub(super) fn is_match(hir: &Hir, text: &str) -> Option<bool> {
    let mut matcher = Matcher {
        text,
        steps: 0,
        depth: 0,
    };
    let anchored = hir.properties().look_set_prefix().contains(Look::Start);
    let mut found = |_: &mut Matcher<'_>, _: usize| Ok(true);
    for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
        match matcher.node(hir, start, &mut found) {
            Ok(true) => return Some(true),
            Ok(false) => {}
            Err(GaveUp) => return None,
        }
        if anchored {
            break;
        }
    }
    Some(false)
}

/// The match went over [`STEP_LIMIT`] or [`DEPTH_LIMIT`].
struct GaveUp;

type Step = Result<bool, GaveUp>;
/// What follows the node being matched: called with the position after it.
type Next<'a, 't> = dyn FnMut(&mut Matcher<'t>, usize) -> Step + 'a;

struct Matcher<'t> {
    text: &'t str,
    steps: u32,
    depth: u32,
}

impl<'t> Matcher<'t> {
    fn tick(&mut self) -> Result<(), GaveUp> {
        self.steps += 1;
        if self.steps > STEP_LIMIT {
            Err(GaveUp)
        } else {
            Ok(())
        }
    }

    /// Matches `hir` at `at`, then `next` after it; true when both do for
    /// some way of matching `hir`.
    fn node(&mut self, hir: &Hir, at: usize, next: &mut Next<'_, 't>) -> Step {
        self.tick()?;
        match hir.kind() {
            HirKind::Empty => next(self, at),
            HirKind::Literal(literal) => {
                let bytes = &literal.0;
                if self.text.as_bytes()[at..].starts_with(bytes) {
                    next(self, at + bytes.len())
                } else {
                    Ok(false)
                }
            }
            HirKind::Class(class) => match self.one_char(class, at) {
                Some(after) => next(self, after),
                None => Ok(false),
            },
            HirKind::Look(look) => {
                if self.look(*look, at) {
                    next(self, at)
                } else {
                    Ok(false)
                }
            }
            HirKind::Capture(capture) => self.node(&capture.sub, at, next),
            HirKind::Concat(items) => self.concat(items, at, next),
            HirKind::Alternation(items) => {
                for item in items {
                    if self.node(item, at, next)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            HirKind::Repetition(repetition) => match single_char(&repetition.sub) {
                Some(one) => self.repeat_char(repetition, one, at, next),
                None => self.repeat(repetition, 0, at, next),
            },
        }
    }

    fn concat(&mut self, items: &[Hir], at: usize, next: &mut Next<'_, 't>) -> Step {
        match items.split_first() {
            None => next(self, at),
            Some((first, rest)) => self.nested(|m| {
                m.node(first, at, &mut |m: &mut Matcher<'t>, after| {
                    m.concat(rest, after, next)
                })
            }),
        }
    }

    /// Runs `f` one frame deeper, giving up past [`DEPTH_LIMIT`].
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Step) -> Step {
        if self.depth >= DEPTH_LIMIT {
            return Err(GaveUp);
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// A repetition of one character (a class or a one-character literal):
    /// the positions it can end at are found in one pass, then tried from
    /// the longest run down, so a long value costs no recursion.
    fn repeat_char(
        &mut self,
        repetition: &Repetition,
        one: OneChar<'_>,
        at: usize,
        next: &mut Next<'_, 't>,
    ) -> Step {
        let min = repetition.min as usize;
        let max = repetition.max.map_or(usize::MAX, |m| m as usize);
        let mut ends = vec![at];
        let mut pos = at;
        while ends.len() - 1 < max {
            let after = match one {
                OneChar::Class(class) => self.one_char(class, pos),
                OneChar::Literal(bytes) => self.text.as_bytes()[pos..]
                    .starts_with(bytes)
                    .then_some(pos + bytes.len()),
            };
            let Some(after) = after else { break };
            self.tick()?;
            ends.push(after);
            pos = after;
        }
        if ends.len() - 1 < min {
            return Ok(false);
        }
        for &end in ends[min..].iter().rev() {
            self.tick()?;
            if next(self, end)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Any other repetition, one round at a time; a round that consumes
    /// nothing past the minimum ends the repetition (as in the regex engine,
    /// an empty round cannot loop).
    fn repeat(
        &mut self,
        repetition: &Repetition,
        done: u32,
        at: usize,
        next: &mut Next<'_, 't>,
    ) -> Step {
        let more_allowed = repetition.max.is_none_or(|max| done < max);
        if done < repetition.min {
            return self.nested(|m| {
                m.node(&repetition.sub, at, &mut |m: &mut Matcher<'t>, after| {
                    m.repeat(repetition, done + 1, after, next)
                })
            });
        }
        if more_allowed {
            let again = self.nested(|m| {
                m.node(&repetition.sub, at, &mut |m: &mut Matcher<'t>, after| {
                    if after == at {
                        Ok(false)
                    } else {
                        m.repeat(repetition, done + 1, after, next)
                    }
                })
            })?;
            if again {
                return Ok(true);
            }
        }
        next(self, at)
    }

    /// The position after the character at `at` when the class holds it.
    fn one_char(&self, class: &Class, at: usize) -> Option<usize> {
        match class {
            Class::Unicode(set) => {
                let c = self.text[at..].chars().next()?;
                let ranges = set.ranges();
                let i = ranges.partition_point(|r| r.end() < c);
                (i < ranges.len() && ranges[i].start() <= c).then(|| at + c.len_utf8())
            }
            Class::Bytes(set) => {
                let b = *self.text.as_bytes().get(at)?;
                // In UTF-8 mode a byte class holds ASCII only, so a match
                // stays on a character boundary.
                let ranges = set.ranges();
                let i = ranges.partition_point(|r| r.end() < b);
                (i < ranges.len() && ranges[i].start() <= b).then_some(at + 1)
            }
        }
    }

    fn look(&self, look: Look, at: usize) -> bool {
        let bytes = self.text.as_bytes();
        let word = |i: Option<usize>| {
            i.and_then(|i| bytes.get(i))
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        };
        match look {
            Look::Start => at == 0,
            Look::End => at == bytes.len(),
            Look::StartLF => at == 0 || bytes[at - 1] == b'\n',
            Look::EndLF => at == bytes.len() || bytes[at] == b'\n',
            Look::WordAscii => word(at.checked_sub(1)) != word(Some(at)),
            Look::WordAsciiNegate => word(at.checked_sub(1)) == word(Some(at)),
            // `supported` refused the pattern.
            _ => false,
        }
    }
}

/// What a repetition of one character repeats.
#[derive(Clone, Copy)]
enum OneChar<'h> {
    Class(&'h Class),
    Literal(&'h [u8]),
}

fn single_char(hir: &Hir) -> Option<OneChar<'_>> {
    match hir.kind() {
        HirKind::Class(class) => Some(OneChar::Class(class)),
        HirKind::Literal(literal) if std::str::from_utf8(&literal.0).ok()?.chars().count() == 1 => {
            Some(OneChar::Literal(&literal.0))
        }
        HirKind::Capture(capture) => single_char(&capture.sub),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, text: &str) -> Option<bool> {
        is_match(&parse(pattern).expect("parses"), text)
    }

    #[test]
    fn anchors_classes_and_repetitions() {
        assert_eq!(
            check(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", "Name é 12"),
            Some(true)
        );
        assert_eq!(check(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$", "a!b"), Some(false));
        assert_eq!(check(r"^([a-z])([A-Za-z0-9\_]*)$", "aB_9"), Some(true));
        assert_eq!(check(r"^([a-z])([A-Za-z0-9\_]*)$", "Ab"), Some(false));
        assert_eq!(
            check(r"(LATEST|TRIM_HORIZON|AT_TIMESTAMP)+", "xLATEST"),
            Some(true)
        );
        assert_eq!(
            check(r"^(lambda:[*]|lambda:[a-zA-Z]+|[*])$", "lambda:Get"),
            Some(true)
        );
        assert_eq!(
            check(r"^(lambda:[*]|lambda:[a-zA-Z]+|[*])$", "lambda:"),
            Some(false)
        );
        assert_eq!(check(r"^[^:]", ""), Some(false));
        assert_eq!(check(r"^[a-z]{2,3}$", "abcd"), Some(false));
        assert_eq!(check(r"^(ab){2}$", "abab"), Some(true));
        assert_eq!(check(r"^(a|ab)(c|bcd)$", "abcd"), Some(true));
        assert_eq!(check(r"^(a*)*$", "aaa"), Some(true));
        assert_eq!(check(r"(?-u:\b)word(?-u:\b)", "a word here"), Some(true));
        assert_eq!(check(r"(?-u:\b)word(?-u:\b)", "swordfish"), Some(false));
        assert!(
            parse(r"\bword\b").is_none(),
            "Unicode word boundaries go to the regex engine"
        );
    }

    #[test]
    fn look_around_is_left_to_the_regex_engine() {
        assert!(parse(r"^(?!aws:).*$").is_none());
    }

    #[test]
    fn a_costly_match_gives_up_instead_of_running_long() {
        let text = "a".repeat(40);
        assert_eq!(check(r"^(a|aa)*b$", &text), None);
        let long = "x".repeat(100_000);
        assert_eq!(check(r"^[a-z]+$", &long), None);
    }
}
