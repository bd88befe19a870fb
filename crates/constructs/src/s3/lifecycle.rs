//! Lifecycle rules and storage classes.

use super::*;

/// A storage class a lifecycle rule moves objects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageClass {
    /// `STANDARD_IA` (at least 30 days after creation).
    StandardIa,
    /// `ONEZONE_IA` (at least 30 days after creation).
    OnezoneIa,
    /// `INTELLIGENT_TIERING`.
    IntelligentTiering,
    /// `GLACIER_IR` (Glacier Instant Retrieval).
    GlacierInstantRetrieval,
    /// `GLACIER` (Glacier Flexible Retrieval).
    Glacier,
    /// `DEEP_ARCHIVE`.
    DeepArchive,
}

impl StorageClass {
    /// The name S3 uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StandardIa => "STANDARD_IA",
            Self::OnezoneIa => "ONEZONE_IA",
            Self::IntelligentTiering => "INTELLIGENT_TIERING",
            Self::GlacierInstantRetrieval => "GLACIER_IR",
            Self::Glacier => "GLACIER",
            Self::DeepArchive => "DEEP_ARCHIVE",
        }
    }

    /// The fewest days after creation S3 accepts for a transition to this class.
    pub fn min_days(self) -> i64 {
        match self {
            Self::StandardIa | Self::OnezoneIa => 30,
            _ => 0,
        }
    }
}

/// A lifecycle rule of a bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleRule {
    /// Rule id, 1–255 characters, unique in the bucket (required).
    pub id: String,
    /// Only objects under this key prefix. Default: none (every object).
    pub prefix: Option<String>,
    /// Abort multipart uploads not completed this many days (≥ 1) after they started. Default: none.
    pub abort_incomplete_multipart_upload_after_days: Option<i64>,
    /// Transitions to other storage classes after a number of days. Default: none.
    pub transitions: Vec<(StorageClass, i64)>,
    /// Delete objects this many days (≥ 1) after creation. Default: none.
    pub expiration_days: Option<i64>,
    /// Delete noncurrent versions this many days (≥ 1) after they became noncurrent. Default: none.
    pub noncurrent_version_expiration_days: Option<i64>,
}

impl LifecycleRule {
    /// A rule with id `id` and no action yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            prefix: None,
            abort_incomplete_multipart_upload_after_days: None,
            transitions: Vec::new(),
            expiration_days: None,
            noncurrent_version_expiration_days: None,
        }
    }

    /// `multipart-upload-rule`: abort incomplete multipart uploads after `days` (the original used 7).
    pub fn abort_incomplete_multipart_uploads(days: i64) -> Self {
        Self {
            abort_incomplete_multipart_upload_after_days: Some(days),
            ..Self::new("multipart-upload-rule")
        }
    }

    /// `intelligent-tiering-rule`: move objects to INTELLIGENT_TIERING after `days` (the original used 1).
    pub fn intelligent_tiering_after(days: i64) -> Self {
        Self {
            transitions: vec![(StorageClass::IntelligentTiering, days)],
            ..Self::new("intelligent-tiering-rule")
        }
    }

    /// The original's two rules: abort multipart uploads after 7 days, and
    /// intelligent tiering after 1 day.
    pub fn original_rules() -> Vec<Self> {
        vec![
            Self::abort_incomplete_multipart_uploads(7),
            Self::intelligent_tiering_after(1),
        ]
    }

    pub(super) fn validate(&self, check: &mut PropsCheck) {
        let id = &self.id;
        check.ensure(
            !id.is_empty() && id.chars().count() <= 255,
            "s3/lifecycle-rule-id",
            || format!("lifecycle rule id '{id}' must have 1 to 255 characters"),
        );
        let has_action = self.abort_incomplete_multipart_upload_after_days.is_some()
            || !self.transitions.is_empty()
            || self.expiration_days.is_some()
            || self.noncurrent_version_expiration_days.is_some();
        check.ensure(has_action, "s3/lifecycle-rule-action", || {
            format!("lifecycle rule '{id}' has no action: set an expiration, a transition or an abort of multipart uploads")
        });
        for (field, days) in [
            (
                "abort_incomplete_multipart_upload_after_days",
                self.abort_incomplete_multipart_upload_after_days,
            ),
            ("expiration_days", self.expiration_days),
            (
                "noncurrent_version_expiration_days",
                self.noncurrent_version_expiration_days,
            ),
        ] {
            if let Some(d) = days {
                check.ensure(d >= 1, "s3/lifecycle-days", || {
                    format!("lifecycle rule '{id}': {field} is {d}; it must be at least 1")
                });
            }
        }
        for (class, days) in &self.transitions {
            check.ensure(*days >= class.min_days(), "s3/lifecycle-days", || {
                format!(
                    "lifecycle rule '{id}': a transition to {} needs at least {} days, not {days}",
                    class.as_str(),
                    class.min_days()
                )
            });
            if let Some(exp) = self.expiration_days {
                check.ensure(*days < exp, "s3/lifecycle-days", || {
                    format!("lifecycle rule '{id}': the transition to {} after {days} days is not before the expiration after {exp} days", class.as_str())
                });
            }
        }
    }

    pub(super) fn to_l1(&self) -> b::Rule {
        let mut r = b::Rule::default().id(self.id.clone()).status("Enabled");
        if let Some(p) = &self.prefix {
            r = r.prefix(p.clone());
        }
        if let Some(d) = self.abort_incomplete_multipart_upload_after_days {
            r = r.abort_incomplete_multipart_upload(
                b::AbortIncompleteMultipartUpload::default().days_after_initiation(d),
            );
        }
        if !self.transitions.is_empty() {
            r = r.transitions(list(self.transitions.iter().map(|(c, d)| {
                b::Transition::default()
                    .storage_class(c.as_str())
                    .transition_in_days(*d)
            })));
        }
        if let Some(d) = self.expiration_days {
            r = r.expiration_in_days(d);
        }
        if let Some(d) = self.noncurrent_version_expiration_days {
            r = r.noncurrent_version_expiration(
                b::NoncurrentVersionExpiration::default().noncurrent_days(d),
            );
        }
        r
    }
}
