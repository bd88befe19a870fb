//! Assets through a stack: the S3 reference in the template, the bucket
//! parameter, and the manifest written beside the template.

use std::fs;

use serde_json::json;
use streamcdk::core::{AssetBucket, AssetSource, Expr, Stack};

fn source_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("streamcdk-it-asset-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    dir
}

#[test]
fn asset_reference_parameter_and_manifest() {
    let dir = source_dir("manifest");
    let stack = Stack::new("assets");
    let scope = stack.scope("Consumer");
    let asset = scope
        .add_asset(
            "Code",
            AssetSource::directory(&dir)
                .with_input_bytes("target", "aarch64-unknown-linux-gnu")
                .with_build("cargo-lambda:consumer"),
        )
        .unwrap();
    let f = scope.add_resource("Function", "AWS::Lambda::Function");
    f.set_property_node(
        "Code",
        streamcdk::core::Node::Map(
            [
                ("S3Bucket".to_owned(), asset.bucket.clone().into_node()),
                ("S3Key".to_owned(), asset.key.clone().into_node()),
            ]
            .into(),
        ),
    );
    let s = stack.synth().unwrap();
    let t = s.template.value();
    let key = format!("assets/{}.zip", asset.hash);
    assert_eq!(
        t["Resources"]["ConsumerFunction"]["Properties"]["Code"],
        json!({"S3Bucket": {"Ref": "AssetBucketName"}, "S3Key": key})
    );
    assert_eq!(t["Parameters"]["AssetBucketName"]["Type"], json!("String"));
    assert_eq!(asset.hash.len(), 64);
    let m = &s.asset_manifest;
    assert_eq!(m["stack"], json!("assets"));
    assert_eq!(m["assets"][0]["path"], json!("assets/Consumer/Code"));
    assert_eq!(m["assets"][0]["hash"], json!(asset.hash));
    assert_eq!(m["assets"][0]["packaging"], json!("zip"));
    assert_eq!(
        m["assets"][0]["source"]["build"],
        json!("cargo-lambda:consumer")
    );
    assert_eq!(
        m["assets"][0]["destination"],
        json!({"bucket": {"parameter": "AssetBucketName"}, "key": key})
    );

    let out = std::env::temp_dir().join(format!("streamcdk-it-out-{}", std::process::id()));
    let path = s.write_to(&out).unwrap();
    assert!(path.ends_with("assets.template.json"));
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("assets.assets.json")).unwrap()).unwrap();
    assert_eq!(&written, m);
}

#[test]
fn named_bucket_and_prefix_and_no_parameter() {
    let dir = source_dir("named");
    let stack = Stack::new("assets");
    stack
        .set_asset_bucket(AssetBucket::Named("my-artifacts".into()))
        .set_asset_key_prefix("builds/");
    let asset = stack
        .scope("X")
        .add_asset("Jar", AssetSource::file(dir.join("src/main.rs")))
        .unwrap();
    assert_eq!(asset.bucket, Expr::from("my-artifacts"));
    assert_eq!(asset.key, Expr::from(format!("builds/{}.rs", asset.hash)));
    let q = stack.scope("X").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property("QueueName", asset.key.clone());
    let s = stack.synth().unwrap();
    assert!(s.template.value().get("Parameters").is_none());
    assert_eq!(
        s.asset_manifest["assets"][0]["destination"]["bucket"],
        json!({"name": "my-artifacts"})
    );
}

/// The template refers to the location in effect when an asset is added;
/// changing the stack's bucket or prefix afterwards would make the manifest
/// upload elsewhere, so synth refuses it, naming the asset.
#[test]
fn changing_the_asset_location_after_adding_an_asset_is_an_error() {
    let dir = source_dir("late");
    let stack = Stack::new("assets");
    stack
        .scope("X")
        .add_asset("Jar", AssetSource::file(dir.join("src/main.rs")))
        .unwrap();
    stack.set_asset_bucket(AssetBucket::Named("late-bucket".into()));
    let err = stack.synth().unwrap_err().to_string();
    assert!(err.contains("asset/location-changed"), "{err}");
    assert!(err.contains("assets/X/Jar"), "{err}");
    assert!(
        err.contains("asset bucket changed after this asset was added"),
        "{err}"
    );
    assert!(err.contains("from the parameter AssetBucketName"), "{err}");

    let stack = Stack::new("assets");
    stack
        .scope("X")
        .add_asset("Jar", AssetSource::file(dir.join("src/main.rs")))
        .unwrap();
    stack.set_asset_key_prefix("late/");
    let err = stack.synth().unwrap_err().to_string();
    assert!(err.contains("asset key prefix changed"), "{err}");
}

/// `with_asset_location` gives every stack created inside it its bucket and
/// prefix before any asset is added (what `synth --asset-bucket` needs for
/// stacks built by code it does not write); outside it the defaults hold.
#[test]
fn a_scoped_asset_location_applies_to_stacks_created_inside_it() {
    let dir = source_dir("scoped");
    let build = || {
        let stack = Stack::new("assets");
        let asset = stack
            .scope("X")
            .add_asset("Jar", AssetSource::file(dir.join("src/main.rs")))
            .unwrap();
        (stack, asset)
    };
    let (stack, asset) = streamcdk::core::with_asset_location(
        Some(AssetBucket::Named("scoped-bucket".into())),
        Some("scoped/".into()),
        build,
    );
    assert_eq!(asset.bucket, Expr::from("scoped-bucket"));
    assert_eq!(asset.key, Expr::from(format!("scoped/{}.rs", asset.hash)));
    let s = stack.synth().unwrap();
    assert!(s.template.value().get("Parameters").is_none());
    assert_eq!(
        s.asset_manifest["assets"][0]["destination"]["bucket"],
        json!({"name": "scoped-bucket"})
    );
    // Only the prefix: the bucket stays the parameter.
    let (_, asset) = streamcdk::core::with_asset_location(None, Some("p/".into()), build);
    assert!(matches!(asset.bucket.node(), streamcdk::core::Node::Ref(_)));
    assert!(format!("{:?}", asset.key).contains("p/"));
    // Outside the call, the defaults again.
    let (_, asset) = build();
    assert_eq!(asset.key, Expr::from(format!("assets/{}.rs", asset.hash)));
}

#[test]
fn same_content_same_key_on_any_path() {
    let a = source_dir("same-a");
    let b = source_dir("same-b");
    let key = |dir: &std::path::Path| {
        let stack = Stack::new("assets");
        stack
            .scope("X")
            .add_asset("Code", AssetSource::directory(dir))
            .unwrap()
            .key
    };
    assert_eq!(key(&a), key(&b));
    fs::write(b.join("src/main.rs"), "fn main() { }\n").unwrap();
    assert_ne!(key(&a), key(&b));
}
