//! The property path of a finding.

/// A property path, built as the validator descends and rendered
/// (`Properties/A/0/B`) only when a finding needs it: formatting a string for
/// every property of every resource was a large share of synth time.
#[derive(Clone, Copy)]
pub(crate) struct PropPath<'a> {
    parent: Option<&'a PropPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
pub(crate) enum Segment<'a> {
    Name(&'a str),
    Index(usize),
}

impl<'a> PropPath<'a> {
    pub(crate) fn root(name: &'a str) -> Self {
        Self {
            parent: None,
            segment: Segment::Name(name),
        }
    }

    pub(crate) fn key(&'a self, name: &'a str) -> PropPath<'a> {
        PropPath {
            parent: Some(self),
            segment: Segment::Name(name),
        }
    }

    pub(crate) fn index(&'a self, i: usize) -> PropPath<'a> {
        PropPath {
            parent: Some(self),
            segment: Segment::Index(i),
        }
    }

    pub(crate) fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut at = Some(self);
        while let Some(p) = at {
            parts.push(p.segment);
            at = p.parent;
        }
        let mut out = String::new();
        for (i, seg) in parts.iter().rev().enumerate() {
            if i > 0 {
                out.push('/');
            }
            match seg {
                Segment::Name(n) => out.push_str(n),
                Segment::Index(n) => out.push_str(&n.to_string()),
            }
        }
        out
    }
}
