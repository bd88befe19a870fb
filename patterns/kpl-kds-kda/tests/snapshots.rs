//! insta snapshots of both templates (JSON), so any change shows up in review.

#[test]
fn pattern2_template() {
    let s = streamcdk_pattern_kpl_kds_kda::build()
        .expect("builds")
        .synth()
        .expect("synthesizes");
    insta::assert_snapshot!("pattern2_template", s.template.to_json());
}

#[test]
fn pattern2_studio_template() {
    let s = streamcdk_pattern_kpl_kds_kda::build_studio()
        .expect("builds")
        .synth()
        .expect("synthesizes");
    insta::assert_snapshot!("pattern2_studio_template", s.template.to_json());
}
