//! Logical IDs: the names resources have inside a template.
//!
//! A logical ID is a forever contract: CloudFormation matches a deployed
//! resource to its definition by it, so a changed ID replaces the resource (a
//! stream or bucket, with its data). The AWS CDK appends a hash of the path,
//! which changes whenever a construct moves (aws-cdk issues 1424 and 8120).
//! Here the ID is a plain, readable function of the construct path, pinned by
//! golden tests:
//!
//! 1. The stack name is not part of the path.
//! 2. Path components named exactly `Resource` or `Default` are dropped (a
//!    construct names its main resource `Resource`, so `Kds/Stream/Resource`
//!    and `Kds/Stream` give the same ID).
//! 3. In each remaining component, every character that is not an ASCII letter
//!    or digit is removed.
//! 4. The components are concatenated in order: `Kds/Data-Stream` is `KdsDataStream`.
//! 5. The result must be non-empty and at most 255 characters.
//!
//! Two resources that come out with the same ID (including `A-B` and `AB`) are
//! an error at synth. An explicit override replaces the derived ID, and is
//! checked the same way.
//!
//! Content-derived IDs: a resource may ask for an ID that changes whenever its
//! content changes (an API Gateway deployment must be a new resource each time
//! the API's methods change). Its ID is the path-derived ID followed by the
//! first 8 hex digits of the SHA-256 of its properties rendered as canonical
//! JSON, references written as the referenced item's construct path (so the
//! hash does not depend on other IDs), followed by any extra salt values the
//! resource declared.

use sha2::{Digest, Sha256};

/// Maximum length of a logical ID, per the CloudFormation template anatomy documentation.
pub const MAX_LOGICAL_ID_LEN: usize = 255;

/// Components that are left out of the logical ID.
pub const HIDDEN_COMPONENTS: [&str; 2] = ["Resource", "Default"];

/// Derives the logical ID of a construct path (without the stack name).
///
/// Returns the problem as a message when the result is empty or too long.
pub fn logical_id_from_path<S: AsRef<str>>(path: &[S]) -> Result<String, String> {
    let mut id = String::new();
    for component in path {
        let component = component.as_ref();
        if HIDDEN_COMPONENTS.contains(&component) {
            continue;
        }
        id.extend(component.chars().filter(char::is_ascii_alphanumeric));
    }
    validate_logical_id(&id).map(|()| id)
}

/// Checks that `id` is a valid logical ID: 1 to 255 ASCII letters and digits.
pub fn validate_logical_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("the logical ID is empty: a path made only of hidden components (Resource, Default) or of non-alphanumeric characters has no ID".into());
    }
    if let Some(bad) = id.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "the logical ID '{id}' contains '{bad}': only ASCII letters and digits are allowed"
        ));
    }
    if id.len() > MAX_LOGICAL_ID_LEN {
        return Err(format!(
            "the logical ID '{}…' is {} characters long; the maximum is {MAX_LOGICAL_ID_LEN}",
            &id[..32],
            id.len()
        ));
    }
    Ok(())
}

/// The 8-hex-digit suffix of a content-derived ID: the start of the SHA-256 of
/// `content` (canonical JSON bytes of the resource plus its salts).
pub fn content_hash_suffix(content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden cases: these IDs must never change, whatever else changes.
    #[test]
    fn golden_logical_ids() {
        let cases: &[(&[&str], &str)] = &[
            (&["Kds"], "Kds"),
            (&["Kds", "DataStream"], "KdsDataStream"),
            (&["Kds", "DataStream", "Resource"], "KdsDataStream"),
            (&["Default", "Bucket"], "Bucket"),
            (&["Output", "Access-Logs_Bucket"], "OutputAccessLogsBucket"),
            (&["Api", "v1", "GET /"], "Apiv1GET"),
            (
                &["Kds", "Data Stream", "Alarm.Iterator"],
                "KdsDataStreamAlarmIterator",
            ),
            (&["Ünïcode", "X"], "ncodeX"),
            (&["a1", "2b"], "a12b"),
        ];
        for (path, expected) in cases {
            assert_eq!(logical_id_from_path(path).unwrap(), *expected, "{path:?}");
        }
    }

    #[test]
    fn hyphens_are_stripped_so_a_b_and_ab_collide() {
        assert_eq!(
            logical_id_from_path(&["A-B"]).unwrap(),
            logical_id_from_path(&["AB"]).unwrap()
        );
    }

    #[test]
    fn empty_and_overlong_ids_are_errors() {
        assert!(logical_id_from_path(&["Resource"])
            .unwrap_err()
            .contains("empty"));
        assert!(logical_id_from_path(&["--"]).unwrap_err().contains("empty"));
        let long = "x".repeat(256);
        assert!(logical_id_from_path(&[long.as_str()])
            .unwrap_err()
            .contains("256 characters"));
        assert!(logical_id_from_path(&["x".repeat(255)]).is_ok());
    }

    #[test]
    fn override_validation_rejects_symbols() {
        assert!(validate_logical_id("My-Id").unwrap_err().contains("'-'"));
        assert!(validate_logical_id("MyId").is_ok());
    }

    #[test]
    fn content_hash_is_stable() {
        // Golden: the suffix function must not change either.
        assert_eq!(content_hash_suffix(b"{}"), "44136fa3");
        assert_ne!(
            content_hash_suffix(b"{\"a\":1}"),
            content_hash_suffix(b"{\"a\":2}")
        );
    }
}
