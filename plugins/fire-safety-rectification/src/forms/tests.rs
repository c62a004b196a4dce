use super::*;
use anjuan_plugin_sdk::form::{lint, validate};
use anjuan_plugin_sdk::{Field, FieldKind, Value, json};

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
            form: "open-rectification",
            object: "campaign",
            members: objects::campaign(),
            input: json!({
                "campaign": {
                    "investigation_due_on": "2026-11-30", "serious_problems_due_on": "2027-06-30",
                    "key_problems_due_on": "2027-12-31", "all_due_on": "2028-09-30",
                    "acceptance_opens_on": "2028-10-01", "acceptance_due_on": "2028-12-31",
                },
            }),
            leave_out: "all_due_on",
        },
        ObjectForm {
            form: "inspection",
            object: "last_inspection",
            members: objects::last_inspection(),
            input: json!({
                "last_inspection": {
                    "inspected_on": "2026-12-10", "findings": "三楼疏散通道堆放病床",
                    "compliant": false, "named_in_notice": true, "points_deducted": 5,
                },
            }),
            leave_out: "compliant",
        },
        ObjectForm {
            form: "listed-supervision",
            object: "listed_supervision",
            members: objects::listed_supervision(),
            input: json!({
                "listed_supervision": {
                    "listed_on": "2026-12-01", "plan": "分区拆除更换A级保温材料",
                    "responsibility": "院长负总责，后勤保卫科具体实施", "measures": "施工期间划定警戒区",
                    "funds": 86.0, "temporary_safeguards": "增设室外消火栓和巡查频次",
                },
            }),
            leave_out: "temporary_safeguards",
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

/// Members keep their own constraints: no negative funds or points.
#[test]
fn object_members_keep_their_bounds() {
    let mut listing = object_forms().swap_remove(2).input;
    listing["listed_supervision"]["funds"] = json!(-1);
    assert_eq!(
        findings("listed-supervision", &listing),
        vec![("/listed_supervision/funds".into(), "min".into())]
    );
    let mut inspection = object_forms().swap_remove(1).input;
    inspection["last_inspection"]["points_deducted"] = json!(-5);
    assert_eq!(
        findings("inspection", &inspection),
        vec![("/last_inspection/points_deducted".into(), "min".into())]
    );
}
