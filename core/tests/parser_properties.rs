//! Arbitrary input to the workflow parser and the expression language: never a panic,
//! and every refusal says where (line and column, or the column in the expression).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

use std::path::Path;

use anjuan::workflow::Definition;
use anjuan::workflow::expr::Expression;
use proptest::prelude::*;

fn shipped(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../workflows")
        .join(name)
        .join("workflow.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// A shipped workflow with a few characters deleted, replaced or inserted: mostly
/// near-valid YAML, which reaches the validator's deeper checks.
fn mangled(text: String) -> impl Strategy<Value = String> {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let pick = prop_oneof![
        any::<char>(),
        Just(':'),
        Just('{'),
        Just('}'),
        Just('['),
        Just('\n'),
        Just(' '),
        Just('"'),
        Just('-'),
    ];
    proptest::collection::vec((0..len, pick, 0u8..3), 1..8).prop_map(move |edits| {
        let mut t = chars.clone();
        for (at, c, op) in edits {
            let at = at.min(t.len().saturating_sub(1));
            match op {
                0 if !t.is_empty() => {
                    t.remove(at);
                }
                1 if !t.is_empty() => t[at] = c,
                _ => t.insert(at, c),
            }
        }
        t.into_iter().collect()
    })
}

fn refusals_have_places(text: &str) -> Result<(), TestCaseError> {
    let lines = text.lines().count() + 2;
    if let Err(diagnostics) = Definition::from_text(Path::new("workflow.yaml"), text) {
        prop_assert!(!diagnostics.is_empty(), "a refusal names a mistake");
        for d in diagnostics {
            prop_assert!(d.line >= 1 && d.column >= 1, "no place: {d}");
            prop_assert!(d.line <= lines, "{d} is past the end ({lines} lines)");
            prop_assert!(!d.message.trim().is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_text_as_a_workflow_is_refused_with_a_place(text in "\\PC{0,300}") {
        refusals_have_places(&text)?;
    }

    #[test]
    fn a_mangled_family_workflow_is_refused_with_a_place(text in mangled(shipped("special-family-care"))) {
        refusals_have_places(&text)?;
    }

    #[test]
    fn a_mangled_disposal_workflow_is_refused_with_a_place(text in mangled(shipped("sampling-disposal"))) {
        refusals_have_places(&text)?;
    }
}

proptest! {
    #[test]
    fn any_expression_compiles_or_says_which_column(source in "\\PC{0,80}") {
        check_expression(&source)?;
    }

    #[test]
    fn expression_like_text_compiles_or_says_which_column(
        source in "[a-z_.() !=<>&|+*/%0-9'\"\\[\\],?:-]{0,60}"
    ) {
        check_expression(&source)?;
    }
}

fn check_expression(source: &str) -> Result<(), TestCaseError> {
    match Expression::compile(source) {
        Ok(e) => {
            let _ = e.free_names();
            let _ = e.fields_of("data");
        }
        Err(e) => {
            // The column may count bytes or characters; either way it is inside the text.
            let width = source.len() + 1;
            prop_assert!(e.column >= 1, "{e:?}");
            prop_assert!(
                e.column <= width.max(1) + 1,
                "column {} past {width}: {e:?}",
                e.column
            );
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}
