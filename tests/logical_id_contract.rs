//! The logical-ID contract: the complete logical-ID set (with each resource's
//! type) of both examples and the core demo is pinned in `tests/contract/`,
//! and their full templates in insta snapshots. A change may add resources
//! (a deliberate default change, listed in the README), but every pinned
//! logical ID must still exist with the same type, so no deployed resource is
//! replaced. `STREAMCDK_PIN_IDS=1` writes a missing pin file (a new example).

#[allow(dead_code)]
#[path = "../examples/consumer_stack.rs"]
mod consumer_stack;
#[allow(dead_code)]
#[path = "../examples/kds_kdf_s3.rs"]
mod kds_kdf_s3;
#[allow(dead_code)]
#[path = "../examples/partitioned_pipeline.rs"]
mod partitioned_pipeline;

use std::collections::BTreeMap;
use std::path::PathBuf;

use streamcdk::core::Synthesized;
use streamcdk_synth::stacks::core_demo;

/// Logical ID -> resource type, from the synthesized template.
fn logical_ids(s: &Synthesized) -> BTreeMap<String, String> {
    let value: serde_json::Value = serde_json::from_str(&s.template.to_json()).unwrap();
    value["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, r)| (id.clone(), r["Type"].as_str().unwrap().to_string()))
        .collect()
}

fn check_pinned(name: &str, s: &Synthesized) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/contract/{name}.logical-ids"));
    let now = logical_ids(s);
    let Ok(pinned) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("STREAMCDK_PIN_IDS").is_some(),
            "{} is missing; run with STREAMCDK_PIN_IDS=1 to pin a new stack",
            path.display()
        );
        let text: String = now.iter().map(|(id, t)| format!("{id} {t}\n")).collect();
        std::fs::write(&path, text).unwrap();
        return;
    };
    let mut broken = Vec::new();
    for line in pinned.lines().filter(|l| !l.trim().is_empty()) {
        let (id, ty) = line.split_once(' ').unwrap();
        match now.get(id) {
            Some(t) if t == ty => {}
            Some(t) => broken.push(format!("{id}: pinned as {ty}, now {t} (would be replaced)")),
            None => broken.push(format!("{id} ({ty}) is gone (would be deleted)")),
        }
    }
    assert!(
        broken.is_empty(),
        "{name}: logical-ID contract broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn kds_kdf_s3_keeps_its_logical_ids() {
    let s = kds_kdf_s3::build().unwrap().synth().unwrap();
    check_pinned("kds_kdf_s3", &s);
    insta::assert_snapshot!("kds_kdf_s3_template", s.template.to_json());
}

#[test]
fn partitioned_pipeline_keeps_its_logical_ids() {
    let s = partitioned_pipeline::build().unwrap().synth().unwrap();
    check_pinned("partitioned_pipeline", &s);
    insta::assert_snapshot!("partitioned_pipeline_template", s.template.to_json());
}

#[test]
fn consumer_stack_keeps_its_logical_ids() {
    let s = consumer_stack::build().unwrap().synth().unwrap();
    check_pinned("consumer_stack", &s);
    insta::assert_snapshot!("consumer_stack_template", s.template.to_json());
}

/// The core demo's full template is pinned by `tests/core_demo.rs`.
#[test]
fn core_demo_keeps_its_logical_ids() {
    check_pinned("core_demo", &core_demo::build().unwrap().synth().unwrap());
}

#[allow(dead_code)]
#[path = "../examples/sensor_pipeline.rs"]
mod sensor_pipeline;

#[test]
fn sensor_pipeline_keeps_its_logical_ids() {
    let s = sensor_pipeline::build().unwrap().synth().unwrap();
    check_pinned("sensor_pipeline", &s);
    insta::assert_snapshot!("sensor_pipeline_template", s.template.to_json());
}
