//! "Did you mean": the closest of a set of names, for messages about a name
//! that names nothing.

/// Edit distance (insertions, deletions, substitutions), ASCII case ignored.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// The candidate closest to `name`, if it is close: at most a third of the
/// name's length apart (at least 1, at most 3 edits).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// `" Did you mean 'X'?"`, or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates).map_or_else(String::new, |c| format!(" Did you mean '{c}'?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("DataStrem", ["DataStream", "Bucket"]),
            Some("DataStream")
        );
        assert_eq!(
            closest("AWS::Kinesis::Streams", ["AWS::Kinesis::Stream"]),
            Some("AWS::Kinesis::Stream")
        );
        assert_eq!(closest("Queue", ["Bucket", "Topic"]), None);
        assert_eq!(did_you_mean("ab", ["xy"]), "");
    }
}
