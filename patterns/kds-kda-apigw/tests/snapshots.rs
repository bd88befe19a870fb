//! insta snapshot of the template (JSON), so any change shows up in review.

#[test]
fn pattern4_template() {
    let s = streamcdk_pattern_kds_kda_apigw::build()
        .expect("builds")
        .synth()
        .expect("synthesizes");
    insta::assert_snapshot!("pattern4_template", s.template.to_json());
}
