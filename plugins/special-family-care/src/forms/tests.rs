use super::*;
use anjuan_plugin_sdk::form::{lint, validate};
use anjuan_plugin_sdk::{Field, FieldKind, Value, json};

const WORKFLOW: &str = include_str!("../../../../workflows/special-family-care/workflow.yaml");

/// Whether the workflow declares a field (or row member) `id` somewhere.
fn declared(id: &str) -> bool {
    let key = format!("{id}:");
    WORKFLOW.lines().any(|l| l.trim_start().starts_with(&key))
}

fn ids(fields: &[Field], out: &mut Vec<String>) {
    for f in fields {
        out.push(f.id.clone());
        if let FieldKind::Group { fields, .. } | FieldKind::Object { fields } = &f.kind {
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
        ("insurance", objects::insurance()),
        ("next_visit", objects::next_visit()),
        ("emergency_report", objects::emergency_report()),
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

/// A form that fills an object field, with a complete input for the whole form and a
/// required member of the object to leave out.
struct ObjectForm {
    form: &'static str,
    object: &'static str,
    members: Vec<Field>,
    input: Value,
    leave_out: &'static str,
}

fn object_forms() -> Vec<ObjectForm> {
    vec![
        ObjectForm {
            form: "health-services",
            object: "insurance",
            members: objects::insurance(),
            input: json!({
                "family_doctor_signed": true, "green_channel_card": true,
                "insurance": { "accident": true, "comprehensive": false, "nursing_subsidy": true,
                               "policy_no": "PICC-AX-2026-0317" },
            }),
            leave_out: "comprehensive",
        },
        ObjectForm {
            form: "plan-visit",
            object: "next_visit",
            members: objects::next_visit(),
            input: json!({
                "next_visit": { "kind": "regular", "planned_on": "2026-12-01", "method": "home-visit" },
            }),
            leave_out: "planned_on",
        },
        ObjectForm {
            form: "emergency-report",
            object: "emergency_report",
            members: objects::emergency_report(),
            input: json!({
                "emergency_report": { "kind": "sudden-illness", "happened_at": "2026-11-28T07:20:00+08:00",
                                      "situation": "户主突发脑梗，独居无人照料" },
            }),
            leave_out: "situation",
        },
    ]
}

fn findings(form_id: &str, input: &Value) -> Vec<(String, String)> {
    let f = form(form_id).unwrap_or_else(|| panic!("{form_id}"));
    validate(&f, input)
        .into_iter()
        .map(|x| (x.field, x.code))
        .collect()
}

/// The workflow's object fields are filled by proper `object` fields, built from
/// [`objects`]: a complete input passes the server's validation, and one without a
/// required member is refused at that member's pointer.
#[test]
fn forms_fill_the_workflows_object_fields() {
    for o in object_forms() {
        let f = form(o.form).unwrap_or_else(|| panic!("{}", o.form));
        let field = f.fields.iter().find(|x| x.id == o.object);
        let kind = field.map(|x| (&x.kind, x.required));
        assert_eq!(
            kind,
            Some((&FieldKind::Object { fields: o.members }, true)),
            "{}: `{}` is a required object of the shared members",
            o.form,
            o.object
        );
        assert_eq!(findings(o.form, &o.input), vec![], "{}", o.form);
        let mut gap = o.input.clone();
        if let Some(m) = gap[o.object].as_object_mut() {
            m.remove(o.leave_out);
        }
        let at = format!("/{}/{}", o.object, o.leave_out);
        assert_eq!(
            findings(o.form, &gap),
            vec![(at, "required".into())],
            "{}",
            o.form
        );
        let mut none = o.input.clone();
        if let Some(m) = none.as_object_mut() {
            m.remove(o.object);
        }
        let at = format!("/{}", o.object);
        assert_eq!(
            findings(o.form, &none),
            vec![(at, "required".into())],
            "{}",
            o.form
        );
    }
}

/// The emergency is sensitive as a whole, as the workflow marks it.
#[test]
fn the_emergency_report_is_sensitive() {
    let f = form("emergency-report").unwrap_or_else(|| panic!("emergency-report"));
    assert!(f.fields.iter().all(|x| x.sensitive));
}
