//! Builds, checks and serializes the 500-resource stack of the criterion
//! benchmark (`benches/support/five_hundred.rs`), and prints the time per run:
//! `cargo run --release -p streamcdk-resources --example synth_500`; the binary
//! is also what callgrind counts instructions of.

use std::time::Instant;

#[path = "../benches/support/five_hundred.rs"]
mod five_hundred;
use five_hundred::build;

fn main() {
    let runs = 20;
    let mut best = f64::MAX;
    let mut total = 0.0;
    for _ in 0..runs {
        let start = Instant::now();
        let stack = build();
        let synthesized = stack.synth().expect("a valid stack");
        let json = synthesized.template.to_json();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert!(json.len() > 10_000);
        best = best.min(ms);
        total += ms;
    }
    println!(
        "500 resources: build + synth (with schema checks) + JSON: best {best:.2} ms, mean {:.2} ms over {runs} runs",
        total / f64::from(runs)
    );
}
