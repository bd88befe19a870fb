//! Criterion benchmark: build, validate (core checks, schema checks, limits)
//! and serialize a stack of 500 generated resources of mixed types.
//! Run with `cargo bench -p streamcdk-resources --bench synth_500`; the README
//! records the median. Budget: 10 ms on the project's 2-core machine.

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/five_hundred.rs"]
mod five_hundred;
use five_hundred::build;

fn bench(c: &mut Criterion) {
    // The stack must be valid, or the benchmark measures the error path.
    let s = build().synth().expect("the benchmark stack is valid");
    assert_eq!(
        s.template.value()["Resources"].as_object().unwrap().len(),
        500
    );
    c.bench_function(
        "500 generated resources: build + synth (all checks) + JSON",
        |b| b.iter(|| build().synth().unwrap().template.to_json()),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
