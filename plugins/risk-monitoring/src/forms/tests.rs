use super::*;
use anjuan_plugin_sdk::form::{lint, validate};
use anjuan_plugin_sdk::{Field, FieldKind, Value, json};

const WORKFLOW: &str = include_str!("../../../../workflows/risk-monitoring/workflow.yaml");

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
        ("sampling_record", objects::sampling_record()),
        ("attribution", objects::attribution()),
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
            form: "sampling-record",
            object: "sampling_record",
            members: objects::sampling_record(),
            input: json!({
                "food_name": "腊肉", "locally_produced": true, "sampling_point": "桃源镇农贸市场",
                "sampling_area": "town-a",
                "sampling_record": {
                    "sampled_at": "2026-05-12T09:30:00+08:00", "place_kind": "distribution",
                    "business_name": "刘记腊味摊", "packaging": "prepacked", "batch_no": "20260420",
                    "produced_on": "2026-04-20", "quantity": "3袋（500g/袋）", "storage": "常温",
                    "samplers": "陈晓红、李明",
                },
            }),
            leave_out: "sampled_at",
        },
        ObjectForm {
            form: "outbreak-completion",
            object: "attribution",
            members: objects::attribution(),
            input: json!({
                "online_completion_reported_on": "2026-11-30", "food_business_related": false,
                "attribution": {
                    "food": "凉拌木耳", "pathogen": "椰毒假单胞菌（米酵菌酸）",
                    "contributing_factors": ["improper-storage"], "confidence": "confirmed",
                },
            }),
            leave_out: "contributing_factors",
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

/// Bulk food has no batch number or production date: those members are hidden, so not
/// required; prepacked food must have them.
#[test]
fn the_sampling_record_asks_for_a_batch_only_of_prepacked_food() {
    let mut input = object_forms().swap_remove(0).input;
    input["sampling_record"]["packaging"] = json!("bulk");
    if let Some(m) = input["sampling_record"].as_object_mut() {
        m.remove("batch_no");
        m.remove("produced_on");
    }
    assert_eq!(findings("sampling-record", &input), vec![]);
    input["sampling_record"]["packaging"] = json!("prepacked");
    let want: Vec<(String, String)> = ["batch_no", "produced_on"]
        .iter()
        .map(|m| (format!("/sampling_record/{m}"), "required".to_string()))
        .collect();
    assert_eq!(findings("sampling-record", &input), want);
}
