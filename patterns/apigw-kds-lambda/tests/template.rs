//! The pattern-1 template: it synthesizes without warnings, its full JSON is
//! pinned by an insta snapshot (any change shows up in review), and it is
//! written out for the external validators and scanners.

use streamcdk_core::assertions::write_for_validation;

#[test]
fn the_template_is_pinned_and_validated() {
    let s = streamcdk_pattern_apigw_kds_lambda::build()
        .expect("the pattern builds")
        .synth()
        .expect("the pattern synthesizes");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    insta::assert_snapshot!("pattern1_template", s.template.to_json());
    write_for_validation("pattern1", &s).expect("written for validation");
}
