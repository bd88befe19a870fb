//! Prints the findings of a stack with a few bad values.
use streamcdk_core::Stack;
use streamcdk_resources::kinesis::{stream, Stream, StreamProps};

fn main() {
    let stack = Stack::new("demo");
    Stream::new(
        &stack.scope("Kds"),
        "Stream",
        StreamProps::default()
            .shard_count(0)
            .name("bad name")
            .stream_mode_details(stream::StreamModeDetails::default().stream_mode("ONDEMAND"))
            .stream_encryption(stream::StreamEncryption::default().encryption_type("KMS")),
    );
    match stack.synth() {
        Ok(s) => println!("{}", s.template.to_json()),
        Err(errors) => {
            for e in errors.iter() {
                println!("{e}");
            }
        }
    }
}
