//! The committed generated files are exactly what the generator makes from
//! the committed schemas: editing a generated file, or a schema without
//! rerunning the generator, fails this test.

use std::path::PathBuf;

#[test]
fn generated_files_are_fresh() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = streamcdk_codegen::generate(&root).expect("the schemas generate");
    assert!(
        files.len() > 50,
        "expected every schema and module, got {}",
        files.len()
    );
    // Regenerate into a temporary folder, then compare byte for byte.
    let tmp = std::env::temp_dir().join(format!("streamcdk-codegen-{}", std::process::id()));
    for (path, text) in &files {
        let full = tmp.join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("temp dir");
        std::fs::write(&full, text).expect("write");
    }
    let mut stale = Vec::new();
    for path in files.keys() {
        let fresh = std::fs::read(tmp.join(path)).expect("read back");
        let committed = std::fs::read(root.join(path)).unwrap_or_default();
        if fresh != committed {
            stale.push(path.clone());
        }
    }
    stale.extend(streamcdk_codegen::stale_files(&root, &files));
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        stale.is_empty(),
        "generated files differ from the generator's output: {stale:?}\nrun `cargo run -p streamcdk-codegen` (after `python3 codegen/fetch_schemas.py` if types.txt changed)"
    );
}

#[test]
fn generation_is_deterministic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let a = streamcdk_codegen::generate(&root).expect("generates");
    let b = streamcdk_codegen::generate(&root).expect("generates");
    assert_eq!(a, b);
}
