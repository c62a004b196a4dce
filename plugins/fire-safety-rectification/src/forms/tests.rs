use super::*;
use anjuan_plugin_sdk::{Field, FieldKind, form::lint};

const WORKFLOW: &str =
    include_str!("../../../../workflows/fire-safety-rectification/workflow.yaml");

/// Whether the workflow declares a field (or row member) `id` somewhere.
fn declared(id: &str) -> bool {
    let key = format!("{id}:");
    WORKFLOW.lines().any(|l| l.trim_start().starts_with(&key))
}

fn ids(fields: &[Field], out: &mut Vec<String>) {
    for f in fields {
        out.push(f.id.clone());
        if let FieldKind::Group { fields, .. } = &f.kind {
            ids(fields, out);
        }
    }
}

#[test]
fn every_described_form_is_defined_and_sound() {
    for (id, ..) in crate::FORMS {
        let f = form(id).unwrap_or_else(|| panic!("form {id} is described but not defined"));
        assert_eq!(f.id, *id);
        assert_eq!(lint(&f), Vec::<String>::new(), "{id}");
    }
    assert!(form("no-such-form").is_none());
}

#[test]
fn form_fields_are_the_workflows_fields() {
    for (id, ..) in crate::FORMS {
        let mut all = Vec::new();
        ids(&form(id).unwrap_or_else(|| panic!("{id}")).fields, &mut all);
        for f in all {
            assert!(
                declared(&f),
                "form {id}: field `{f}` is not declared in the workflow"
            );
        }
    }
}

#[test]
fn object_members_are_sound_and_declared() {
    for (name, members) in [
        ("campaign", objects::campaign()),
        ("last_inspection", objects::last_inspection()),
        ("listed_supervision", objects::listed_supervision()),
    ] {
        assert!(declared(name));
        let def = FormDef::new(name, "对象", "Object");
        let def = members.into_iter().fold(def, FormDef::field);
        assert_eq!(lint(&def), Vec::<String>::new(), "{name}");
        for f in &def.fields {
            assert!(declared(&f.id), "{name}/{}", f.id);
        }
    }
}
