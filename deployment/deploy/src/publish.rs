//! Publishing: assets packaged (through `streamcdk-packaging`) and uploaded
//! when missing, and the template uploaded and referenced by URL.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use serde_json::Value;
use sha2::{Digest, Sha256};
use streamcdk_packaging::{package_manifest_value, PackageOptions, PackagedAsset};

use crate::aws::{aws_error, retry, Backoff};
use crate::ui::Ui;
use crate::DeployError;

/// Files from this size on are uploaded in parts.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
/// The size of each part (S3's minimum is 5 MiB).
pub const PART_SIZE: u64 = 8 * 1024 * 1024;
/// Uploads at once.
pub const PARALLEL_UPLOADS: usize = 4;
/// CloudFormation's limit for a template passed inline (`TemplateBody`);
/// the deploy binary always passes a `TemplateURL`, so larger ones work.
pub const INLINE_TEMPLATE_LIMIT: usize = 51_200;

/// The URL CloudFormation reads a template from: the regional
/// virtual-hosted form `https://BUCKET.s3.REGION.amazonaws.com/KEY`
/// (`.amazonaws.com.cn` in the China Regions). The same form is used with
/// `--endpoint-url`: a local stand-in such as moto parses it and reads the
/// object from its own S3, and rejects a path-style URL on an IP address.
pub fn template_url(bucket: &str, region: &str, key: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{bucket}.s3.{region}.{suffix}/{}", encode_key(key))
}

fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The template key: `<prefix>templates/<stack>-<first 16 hex digits of its SHA-256>.template.json`.
pub fn template_key(prefix: &str, stack_name: &str, body: &str) -> String {
    let hash = Sha256::digest(body.as_bytes());
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{prefix}templates/{stack_name}-{hex}.template.json")
}

/// The name of the template parameter that takes the asset bucket, if the
/// manifest's assets go to a bucket given at launch.
pub fn asset_bucket_parameter(manifest: &Value) -> Option<String> {
    manifest["assets"]
        .as_array()?
        .iter()
        .find_map(|a| a["destination"]["bucket"]["parameter"].as_str())
        .map(str::to_owned)
}

/// One asset to upload: the packaged file and its bucket.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The bucket (`--bucket`, or the one named at synth time).
    pub bucket: String,
    /// The packaged asset.
    pub asset: PackagedAsset,
}

/// Packages every asset of `manifest` into `out_dir` and says where each goes.
///
/// # Errors
/// A packaging failure.
pub fn package(
    manifest: &Value,
    origin: &Path,
    out_dir: &Path,
    default_bucket: &str,
) -> Result<Vec<Upload>, DeployError> {
    let options = PackageOptions {
        out_dir: out_dir.to_path_buf(),
        ..PackageOptions::default()
    };
    let packaged = package_manifest_value(manifest, origin, &options)?;
    let assets = manifest["assets"].as_array().cloned().unwrap_or_default();
    Ok(packaged
        .into_iter()
        .map(|asset| {
            let named = assets
                .iter()
                .find(|a| a["path"] == asset.path.as_str())
                .and_then(|a| a["destination"]["bucket"]["name"].as_str());
            Upload {
                bucket: named.unwrap_or(default_bucket).to_owned(),
                asset,
            }
        })
        .collect())
}

/// What [`upload_assets`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UploadReport {
    /// Keys uploaded.
    pub uploaded: Vec<String>,
    /// Keys already there (same hash, same key).
    pub skipped: Vec<String>,
}

/// Uploads the assets whose object is missing (HeadObject first), up to
/// [`PARALLEL_UPLOADS`] at once.
///
/// # Errors
/// The first upload that failed.
pub async fn upload_assets(
    s3: &aws_sdk_s3::Client,
    uploads: &[Upload],
    backoff: Backoff,
    ui: &Ui,
) -> Result<UploadReport, DeployError> {
    let limit = Arc::new(tokio::sync::Semaphore::new(PARALLEL_UPLOADS));
    let mut tasks = tokio::task::JoinSet::new();
    for upload in uploads.iter().cloned() {
        let s3 = s3.clone();
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            let key = upload.asset.key.clone();
            if object_exists(&s3, &upload.bucket, &key, backoff).await? {
                return Ok::<_, DeployError>((key, false, upload));
            }
            put_file(
                &s3,
                &upload.bucket,
                &key,
                &upload.asset.file,
                upload.asset.size,
                backoff,
            )
            .await?;
            Ok((key, true, upload))
        });
    }
    let mut report = UploadReport::default();
    while let Some(done) = tasks.join_next().await {
        let (key, uploaded, upload) = done.map_err(|e| DeployError::Aws {
            operation: "upload".into(),
            message: e.to_string(),
        })??;
        if uploaded {
            ui.info(format!(
                "asset {}: uploaded s3://{}/{key} ({} bytes)",
                upload.asset.path, upload.bucket, upload.asset.size
            ));
            report.uploaded.push(key);
        } else {
            ui.info(format!(
                "asset {}: s3://{}/{key} is already there",
                upload.asset.path, upload.bucket
            ));
            report.skipped.push(key);
        }
    }
    report.uploaded.sort();
    report.skipped.sort();
    Ok(report)
}

/// Whether `s3://bucket/key` exists.
///
/// # Errors
/// A HeadObject failure other than "not found".
pub async fn object_exists(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    backoff: Backoff,
) -> Result<bool, DeployError> {
    match retry("HeadObject", backoff, || {
        s3.head_object().bucket(bucket).key(key).send()
    })
    .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => Ok(false),
        Err(e) => Err(aws_error(&format!("HeadObject s3://{bucket}/{key}"), &e)),
    }
}

/// Uploads a file: one PutObject, or a multipart upload from [`MULTIPART_THRESHOLD`] on.
///
/// # Errors
/// The failed call (a failed multipart upload is aborted).
pub async fn put_file(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    file: &Path,
    size: u64,
    backoff: Backoff,
) -> Result<(), DeployError> {
    if size < MULTIPART_THRESHOLD {
        let body = std::fs::read(file).map_err(|e| DeployError::io(file.display(), e))?;
        return retry("PutObject", backoff, || {
            s3.put_object()
                .bucket(bucket)
                .key(key)
                .body(ByteStream::from(body.clone()))
                .send()
        })
        .await
        .map(|_| ())
        .map_err(|e| aws_error(&format!("PutObject s3://{bucket}/{key}"), &e));
    }
    let created = retry("CreateMultipartUpload", backoff, || {
        s3.create_multipart_upload().bucket(bucket).key(key).send()
    })
    .await
    .map_err(|e| aws_error("CreateMultipartUpload", &e))?;
    let upload_id = created.upload_id().unwrap_or_default().to_owned();
    let result = upload_parts(s3, bucket, key, file, size, &upload_id, backoff).await;
    match result {
        Ok(parts) => retry("CompleteMultipartUpload", backoff, || {
            s3.complete_multipart_upload()
                .bucket(bucket)
                .key(key)
                .upload_id(&upload_id)
                .multipart_upload(
                    CompletedMultipartUpload::builder()
                        .set_parts(Some(parts.clone()))
                        .build(),
                )
                .send()
        })
        .await
        .map(|_| ())
        .map_err(|e| aws_error("CompleteMultipartUpload", &e)),
        Err(e) => {
            let _ = s3
                .abort_multipart_upload()
                .bucket(bucket)
                .key(key)
                .upload_id(&upload_id)
                .send()
                .await;
            Err(e)
        }
    }
}

async fn upload_parts(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    file: &Path,
    size: u64,
    upload_id: &str,
    backoff: Backoff,
) -> Result<Vec<CompletedPart>, DeployError> {
    let mut parts = Vec::new();
    let mut offset = 0;
    let mut number = 1;
    while offset < size {
        let length = PART_SIZE.min(size - offset);
        let part = retry("UploadPart", backoff, || async {
            let body = ByteStream::read_from()
                .path(file)
                .offset(offset)
                .length(Length::Exact(length))
                .build()
                .await
                .expect("the packaged file is readable");
            s3.upload_part()
                .bucket(bucket)
                .key(key)
                .upload_id(upload_id)
                .part_number(number)
                .body(body)
                .send()
                .await
        })
        .await
        .map_err(|e| aws_error(&format!("UploadPart {number} of s3://{bucket}/{key}"), &e))?;
        parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(part.e_tag().map(str::to_owned))
                .build(),
        );
        offset += length;
        number += 1;
    }
    Ok(parts)
}

/// Uploads the template and returns its key and URL.
///
/// # Errors
/// The PutObject failure.
pub async fn upload_template(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    region: &str,
    key: &str,
    body: &str,
    backoff: Backoff,
) -> Result<String, DeployError> {
    retry("PutObject", backoff, || {
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(body.as_bytes().to_vec()))
            .send()
    })
    .await
    .map_err(|e| aws_error(&format!("PutObject s3://{bucket}/{key}"), &e))?;
    Ok(template_url(bucket, region, key))
}

/// The folder assets are packaged into before upload.
pub fn staging_dir() -> PathBuf {
    std::env::temp_dir().join(format!("streamcdk-deploy-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_urls_are_regional_virtual_hosted() {
        assert_eq!(
            template_url("my-bucket", "us-east-1", "p/templates/s-0a.template.json"),
            "https://my-bucket.s3.us-east-1.amazonaws.com/p/templates/s-0a.template.json"
        );
        assert_eq!(
            template_url("b", "cn-north-1", "k"),
            "https://b.s3.cn-north-1.amazonaws.com.cn/k"
        );
        assert_eq!(
            template_url("b", "eu-west-1", "a b+c"),
            "https://b.s3.eu-west-1.amazonaws.com/a%20b%2Bc"
        );
    }

    #[test]
    fn template_keys_follow_the_content() {
        let a = template_key("pre/", "stack", "{}");
        assert!(
            a.starts_with("pre/templates/stack-") && a.ends_with(".template.json"),
            "{a}"
        );
        assert_eq!(a, template_key("pre/", "stack", "{}"));
        assert_ne!(a, template_key("pre/", "stack", "{ }"));
    }

    #[test]
    fn the_bucket_parameter_comes_from_the_manifest() {
        let manifest = serde_json::json!({"version": 1, "assets": [
            {"destination": {"bucket": {"parameter": "AssetBucketName"}, "key": "assets/x.zip"}}]});
        assert_eq!(
            asset_bucket_parameter(&manifest).as_deref(),
            Some("AssetBucketName")
        );
        let named = serde_json::json!({"version": 1, "assets": [
            {"destination": {"bucket": {"name": "b"}, "key": "assets/x.zip"}}]});
        assert_eq!(asset_bucket_parameter(&named), None);
    }
}
