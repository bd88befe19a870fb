//! Synth benchmarks: the core demo stack, and the shared 500-resource stack
//! (generated L1 resources with references between them; build + every
//! check + serialize).
//!
//! Run with `cargo bench --bench synth`; the README records the medians.

use criterion::{criterion_group, criterion_main, Criterion};

/// The one 500-resource stack every benchmark and the callgrind example
/// measure (generated L1 types with every check), written once.
#[path = "../crates/resources/benches/support/five_hundred.rs"]
mod five_hundred;

fn bench(c: &mut Criterion) {
    c.bench_function("core-demo: build + synth + JSON", |b| {
        b.iter(|| {
            let stack = streamcdk_synth::stacks::core_demo::build().unwrap();
            stack.synth().unwrap().template.to_json()
        })
    });
    c.bench_function("500 resources: build + synth + JSON", |b| {
        b.iter(|| five_hundred::build().synth().unwrap().template.to_json())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
