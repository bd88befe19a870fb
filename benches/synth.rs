//! Synth benchmarks: the core demo stack, and a stack of 500 raw resources
//! with references between them (build + validate + serialize).
//!
//! Run with `cargo bench --bench synth`; the README records the medians.

use criterion::{criterion_group, criterion_main, Criterion};
use streamcdk::core::{Expr, Stack, TagFormat};

fn five_hundred_resources() -> Stack {
    let stack = Stack::new("bench-500");
    let shards = stack
        .number_parameter("ShardCount")
        .default(2)
        .range(1, 100);
    let mut previous = None;
    for i in 0..500 {
        let scope = stack.scope(format!("Group{}", i / 50));
        let r = if i % 2 == 0 {
            let s = scope.add_resource(format!("Stream{i}"), "AWS::Kinesis::Stream");
            s.set_property("ShardCount", &shards)
                .set_property::<i64>("RetentionPeriodHours", 24);
            s
        } else {
            let q = scope.add_resource(format!("Queue{i}"), "AWS::SQS::Queue");
            q.set_property::<i64>("MessageRetentionPeriod", 345_600);
            if let Some(prev) = &previous {
                let prev: &streamcdk::core::Resource = prev;
                q.set_property("QueueName", Expr::sub_with("${P}-q", [("P", prev.ref_())]));
            }
            q
        };
        r.set_tag_format(TagFormat::KeyValueList);
        previous = Some(r);
    }
    stack.add_tag("project", "bench");
    stack
}

fn bench(c: &mut Criterion) {
    c.bench_function("core-demo: build + synth + JSON", |b| {
        b.iter(|| {
            let stack = streamcdk_synth::stacks::core_demo::build().unwrap();
            stack.synth().unwrap().template.to_json()
        })
    });
    c.bench_function("500 resources: build + synth + JSON", |b| {
        b.iter(|| five_hundred_resources().synth().unwrap().template.to_json())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
