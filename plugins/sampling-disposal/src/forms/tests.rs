use super::*;
use crate::SamplingDisposal;
use anjuan_plugin_sdk::form::{lint, validate};
use anjuan_plugin_sdk::{FieldKind, Plugin, Value, json};

const WORKFLOW: &str = include_str!("../../../../workflows/sampling-disposal/workflow.yaml");

/// Whether the workflow declares a field (or row or object member) `id` somewhere.
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
fn every_described_form_is_defined_sound_and_named_by_the_workflow() {
    for item in SamplingDisposal::describe().forms {
        let f = form(&item.id).unwrap_or_else(|| panic!("form {} is not defined", item.id));
        assert_eq!(f.id, item.id);
        assert_eq!(lint(&f), Vec::<String>::new(), "{}", f.id);
        assert!(WORKFLOW.contains(&format!("form: {}\n", f.id)), "{}", f.id);
        let mut all = Vec::new();
        ids(&f.fields, &mut all);
        for id in all {
            assert!(
                declared(&id),
                "form {}: `{id}` is not in the workflow",
                f.id
            );
        }
    }
    assert!(form("no-such-form").is_none());
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
            form: "police-transfer",
            object: "police_transfer",
            members: objects::police_transfer(),
            input: json!({
                "police_transfer": {
                    "transferred_on": "2026-10-12", "police_unit": "清河县公安局食药环侦大队",
                    "letter_no": "清市监移〔2026〕3号",
                },
            }),
            leave_out: "police_unit",
        },
        ObjectForm {
            form: "self-evaluation",
            object: "evaluation",
            members: objects::evaluation(),
            input: json!({
                "evaluation": {
                    "training": "抽样人员岗前培训2次", "organisation": "按月分批实施",
                    "batches_done": 120, "scope": "食品与食用农产品分开统计",
                    "failure_detection_rate": 3.3, "data_error_rate": 0,
                    "form_file": "files/实施效果评价表.pdf",
                },
            }),
            leave_out: "form_file",
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

/// The evaluation's rates are percentages.
#[test]
fn evaluation_rates_are_percentages() {
    let mut input = object_forms().swap_remove(1).input;
    input["evaluation"]["failure_detection_rate"] = json!(130);
    input["evaluation"]["data_error_rate"] = json!(-1);
    assert_eq!(
        findings("self-evaluation", &input),
        vec![
            ("/evaluation/failure_detection_rate".into(), "max".into()),
            ("/evaluation/data_error_rate".into(), "min".into()),
        ]
    );
}
