//! Every field of `ec2::ProducerInstanceProps` reaches the template (the
//! pattern of `every_field.rs`): the props are destructured without `..`, so
//! a new field fails to compile here until it gets its own case.

use streamcdk_constructs::ec2::{ProducerArtifact, ProducerInstance, ProducerInstanceProps};
use streamcdk_core::assertions::{assert_each_field_changes, FieldCase};
use streamcdk_core::{Expr, Stack};

fn base() -> ProducerInstanceProps {
    ProducerInstanceProps::new(
        "vpc-01234567",
        "subnet-01234567",
        ProducerArtifact::s3("example-artifacts", "producer.zip"),
    )
}

#[test]
fn producer_instance_props() {
    let ProducerInstanceProps {
        vpc_id: _,
        subnet_id: _,
        artifact: _,
        instance_type: _,
        image_id: _,
        command: _,
        packages: _,
        start: _,
        rate_records_per_second: _,
        duration_seconds: _,
        environment: _,
        metrics_namespace: _,
        detailed_monitoring: _,
    } = base();
    let build = |s: &Stack, p: ProducerInstanceProps| {
        ProducerInstance::new(&s.root(), "P", p).unwrap();
    };
    let cases: Vec<FieldCase<'_, ProducerInstanceProps>> = vec![
        (
            "vpc_id",
            Box::new(|_| ProducerInstanceProps {
                vpc_id: "vpc-89abcdef".into(),
                ..base()
            }),
        ),
        (
            "subnet_id",
            Box::new(|_| ProducerInstanceProps {
                subnet_id: "subnet-89abcdef".into(),
                ..base()
            }),
        ),
        (
            "artifact",
            Box::new(|_| ProducerInstanceProps {
                artifact: ProducerArtifact::s3("example-artifacts", "other.zip"),
                ..base()
            }),
        ),
        (
            "instance_type",
            Box::new(|_| base().instance_type("m7i.large")),
        ),
        (
            "image_id",
            Box::new(|_| base().image_id("ami-0123456789abcdef0")),
        ),
        ("command", Box::new(|_| base().command("bin/run"))),
        (
            "packages",
            Box::new(|_| base().package("java-21-amazon-corretto-headless")),
        ),
        ("start", Box::new(|_| base().start(true))),
        (
            "rate_records_per_second",
            Box::new(|_| base().rate_records_per_second(7)),
        ),
        (
            "duration_seconds",
            Box::new(|_| base().duration_seconds(600)),
        ),
        (
            "environment",
            Box::new(|_| base().environment("STREAM_NAME", "ingest")),
        ),
        (
            "metrics_namespace",
            Box::new(|_| base().metrics_namespace("Producer")),
        ),
        (
            "detailed_monitoring",
            Box::new(|_| base().detailed_monitoring(false)),
        ),
        (
            "start (parameter)",
            Box::new(|s| {
                base().start(Expr::from(s.string_parameter("Start").default("false")).cast())
            }),
        ),
    ];
    assert_each_field_changes(build, |_| base(), cases);
}
