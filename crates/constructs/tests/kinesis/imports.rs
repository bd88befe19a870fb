//! Imported streams and consumers: by ARN, by name, from parameters and exports.

use super::*;

#[test]
fn kinesis_imports_by_arn_and_name() {
    let stack = stack();
    let by_arn = Stream::from_arn(
        &stack.root(),
        "ByArn",
        "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/click.stream_1",
    )
    .unwrap();
    assert_eq!(by_arn.name().node().as_str(), Some("click.stream_1"));
    assert!(by_arn.resource().is_none());
    let m = by_arn.metric_incoming_records();
    assert_eq!(
        m.dimensions,
        vec![("StreamName".to_owned(), Expr::from("click.stream_1"))]
    );
    assert_eq!(by_arn.metrics().len(), 19);

    let form = "is not an ARN of the form arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME";
    for (bad, text) in [
        ("arn:aws:kinesis:us-east-1:123456789012:deliverystream/x", form),
        ("arn:aws:sqs:us-east-1:123456789012:stream/x", form),
        ("arn:aws:kinesis:us-east-1:123456789012:stream/", form),
        ("not-an-arn", form),
        (
            "arn:aws:kinesis:us-east-1:1234:stream/x",
            "has region 'us-east-1' and account '1234'; a Kinesis ARN names a region and a 12-digit account",
        ),
        (
            "arn:aws:kinesis::123456789012:stream/x",
            "a Kinesis ARN names a region",
        ),
    ] {
        let err = Stream::from_arn(&stack.root(), "Bad", bad).unwrap_err();
        assert!(
            has(&err, "kinesis/stream-arn", "t/Bad", text),
            "{bad}: {err}"
        );
    }
    let err = Stream::from_arn(
        &stack.root(),
        "BadName",
        "arn:aws:kinesis:us-east-1:123456789012:stream/a b",
    )
    .unwrap_err();
    assert!(
        has(&err, "kinesis/stream-name", "t/BadName", "contains ' '"),
        "{err}"
    );
    let err = Stream::from_name(&stack.root(), "Empty", "").unwrap_err();
    assert!(
        has(&err, "kinesis/stream-name", "t/Empty", "has 0 characters"),
        "{err}"
    );

    let by_name = Stream::from_name(&stack.root(), "ByName", "orders").unwrap();
    let r = role(&stack, "R");
    by_arn.grant_read(&r).unwrap();
    by_name.grant_write(&r).unwrap();
    let alarms = by_name
        .add_recommended_alarms(&stack.scope("Monitoring"))
        .unwrap();
    assert_eq!(alarms.all().len(), 6);
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_resource_count("AWS::Kinesis::Stream", 0);
    let st = statements(&t);
    assert_eq!(
        st[0]["Resource"],
        "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/click.stream_1"
    );
    assert_eq!(
        st[1]["Resource"],
        json!({"Fn::Sub": ["arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}", {"StreamName": "orders"}]})
    );
    t.assert_has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"MetricName": "GetRecords.IteratorAgeMilliseconds", "Dimensions": [{"Name": "StreamName", "Value": "orders"}]}),
    );
}

#[test]
fn kinesis_imports_take_a_parameter_or_an_imported_value() {
    let stack = stack();
    let imported = Expr::import_value("producer-StreamArn");
    let stream = Stream::from_arn(&stack.root(), "Shared", imported.clone()).unwrap();
    assert_eq!(stream.arn(), imported);
    // ARN parameters with a MaxLength: IAM counts a policy at its longest.
    let arn_param = stack.string_parameter("StreamArn").length(1, 2048);
    let by_param = Stream::from_attributes(
        &stack.root(),
        "ByParam",
        streamcdk_constructs::kinesis::StreamAttributes::new(&arn_param)
            .encryption_key(key(&stack)),
    )
    .unwrap();
    let consumer_arn = stack.string_parameter("ConsumerArn").length(1, 2048);
    let consumer =
        StreamConsumer::from_arn(&stack.root(), "Consumer", &consumer_arn, &by_param).unwrap();
    let reader = role(&stack, "Reader");
    stream.grant_read(&reader).unwrap();
    consumer.grant_read(&reader).unwrap();
    stream
        .add_recommended_alarms(&stack.scope("Monitoring"))
        .unwrap();
    let synthesized = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&synthesized);
    let st = statements(&t);
    assert_eq!(
        st[0]["Resource"],
        json!({"Fn::ImportValue": "producer-StreamArn"})
    );
    assert_eq!(st[1]["Resource"], json!({"Ref": "StreamArn"}));
    assert_eq!(st[2]["Resource"], KEY_ARN);
    assert_eq!(st[3]["Resource"], json!({"Ref": "ConsumerArn"}));
    // The stream's name is read from the ARN at deploy time.
    t.assert_has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"Dimensions": [{"Name": "StreamName", "Value":
            {"Fn::Select": [1, {"Fn::Split": ["/", {"Fn::ImportValue": "producer-StreamArn"}]}]}}]}),
    );
    let lag = consumer.metric_subscribe_to_shard_event_millis_behind_latest();
    assert_eq!(
        lag.dimensions[1].1,
        Expr::select(
            0,
            Expr::split(
                ":",
                Expr::select(3, Expr::split("/", Expr::from(&consumer_arn)))
            )
        )
    );
}

#[test]
fn kinesis_import_with_a_malformed_region_says_so() {
    let stack = stack();
    let err = Stream::from_arn(
        &stack.root(),
        "Mars",
        "arn:aws:kinesis:mars:123456789012:stream/x",
    )
    .unwrap_err();
    assert!(
        err.has_error(
            "kinesis/stream-arn",
            "t/Mars",
            "has region 'mars', which is not a Region code such as us-east-1"
        ),
        "{err}"
    );
    for region in [
        "us-east-1",
        "us-gov-west-1",
        "ap-southeast-2",
        "cn-north-1",
        "us-isob-east-1",
    ] {
        let arn = format!("arn:aws:kinesis:{region}:123456789012:stream/x");
        assert!(
            Stream::from_arn(&stack.root(), "Ok", arn.as_str()).is_ok(),
            "{region}"
        );
    }
}
