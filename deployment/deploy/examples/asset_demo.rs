//! Writes the demonstration stack of the deploy binary's README session:
//! `cargo run -p streamcdk-deploy --example asset_demo -- OUT_DIR` writes
//! `OUT_DIR/asset-demo.template.json` and `OUT_DIR/asset-demo.assets.json`,
//! for `deploy up --template OUT_DIR/asset-demo.template.json ...`.

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/asset-demo".into());
    let handler =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/asset-demo/handler");
    let stack = streamcdk_deploy::demo::asset_demo(&handler).expect("the demo stack builds");
    let synthesized = stack.synth().expect("the demo stack synthesizes");
    let template = synthesized.write_to(&out).expect("writable output folder");
    println!("{}", template.display());
}
