//! Every stack of the catalog is freed with its last handle, after synth
//! too: nothing the stack holds (its aspects, checks and extensions) may
//! hold the stack in turn. Patterns 2, 3 and 4 once did (a dashboard's
//! conditional widgets kept `Condition` handles in the dashboard's aspect),
//! so a program synthesizing many stacks kept every one of them in memory.

#[test]
fn every_catalog_stack_is_freed_with_its_last_handle() {
    for entry in streamcdk_synth::catalog() {
        let stack = (entry.build)().unwrap_or_else(|d| panic!("{}: {d}", entry.short_name));
        let synthesized = stack
            .synth()
            .unwrap_or_else(|d| panic!("{}: {d}", entry.short_name));
        let weak = stack.downgrade();
        drop(stack);
        assert!(
            weak.upgrade().is_none(),
            "{}: the stack outlived its last handle (a reference cycle through what it holds)",
            entry.short_name
        );
        assert!(!synthesized.template.json_str().is_empty());
    }
}
