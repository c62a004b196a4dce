use super::validate;
use crate::form::{Choice, Condition, Field, FormDef};
use serde_json::json;

fn form() -> FormDef {
    let category = vec![
        Choice::new("fire", "消防", "Fire"),
        Choice::new("power", "电气", "Power"),
    ];
    FormDef::new("f", "表", "Form")
        .field(
            Field::text("name", "名称", "Name")
                .required()
                .length(Some(2), Some(10)),
        )
        .field(Field::text("code", "代码", "Code").pattern("[0-9A-Z]{18}"))
        .field(Field::integer("batches", "批次", "Batches").range(Some(1.0), Some(6.0)))
        .field(
            Field::number("weight", "重量", "Weight")
                .unit("千克", "kg")
                .range(Some(0.0), None),
        )
        .field(
            Field::date("sampled_on", "抽样日期", "Sampled on")
                .date_range(Some("2026-01-01"), None),
        )
        .field(Field::datetime("at", "时间", "At"))
        .field(Field::boolean("high_risk", "高风险", "High risk").required())
        .field(
            Field::long_text("reason", "理由", "Reason")
                .required()
                .visible_when(Condition::equals("high_risk", true)),
        )
        .field(Field::multi_select("tags", "标签", "Tags", category.clone()).items(None, Some(1)))
        .field(
            Field::group(
                "hazards",
                "隐患",
                "Hazards",
                vec![
                    Field::select("category", "类别", "Category", category).required(),
                    Field::text("note", "说明", "Note")
                        .required()
                        .visible_when(Condition::equals("category", "power")),
                ],
            )
            .items(Some(1), None)
            .required(),
        )
}

fn codes(data: serde_json::Value) -> Vec<(String, String)> {
    validate(&form(), &data)
        .into_iter()
        .map(|f| (f.field, f.code))
        .collect()
}

#[test]
fn valid_data_has_no_findings() {
    let data = json!({
        "name": "某超市", "code": "91330100MA2XXXXX0X", "batches": 6, "weight": 0.5,
        "sampled_on": "2026-03-01", "at": "2026-03-01T10:00:00+08:00", "high_risk": false,
        "tags": ["fire"], "hazards": [{"category": "fire"}], "unrelated": {"kept": true}
    });
    assert_eq!(codes(data), vec![]);
}

#[test]
fn required_fields_and_hidden_fields() {
    // `reason` is hidden while high_risk is false, so it is not required.
    assert_eq!(
        codes(json!({"high_risk": false, "hazards": [{"category": "fire"}]})),
        vec![("/name".into(), "required".into())]
    );
    assert!(
        codes(json!({"name": "甲乙", "high_risk": true, "hazards": [{"category": "fire"}]}))
            .contains(&("/reason".into(), "required".into()))
    );
}

#[test]
fn each_constraint_names_its_field() {
    let data = json!({
        "name": "x", "code": "lower", "batches": 7, "weight": -1, "sampled_on": "2025-12-31",
        "at": "yesterday", "high_risk": "yes", "tags": ["fire", "power"],
        "hazards": [{"category": "water"}, {"category": "power"}, 3]
    });
    let got = codes(data);
    let want: Vec<(String, String)> = [
        ("/name", "min-length"),
        ("/code", "pattern"),
        ("/batches", "max"),
        ("/weight", "min"),
        ("/sampled_on", "min"),
        ("/at", "type"),
        ("/high_risk", "type"),
        ("/tags", "max-items"),
        ("/hazards/0/category", "option"),
        ("/hazards/1/note", "required"),
        ("/hazards/2", "type"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn empty_group_and_non_object_data() {
    assert!(
        codes(json!({"name": "甲乙", "high_risk": false, "hazards": []}))
            .contains(&("/hazards".into(), "required".into()))
    );
    assert_eq!(validate(&form(), &json!([1])).len(), 1);
}

#[test]
fn form_json_round_trips() {
    let f = form();
    let text = serde_json::to_string(&f).unwrap_or_default();
    assert!(text.contains(r#""type":"multi-select""#), "{text}");
    assert!(
        text.contains(r#""visible_when":{"field":"high_risk","equals":true}"#),
        "{text}"
    );
    let back: FormDef = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, f);
}

// ------------------------------------------------------------------------- objects

/// A sampling record (an object) whose batch number only a prepacked food has, and a
/// table whose rows each hold an object.
fn object_form() -> FormDef {
    let packaging = vec![
        Choice::new("prepacked", "预包装", "Prepacked"),
        Choice::new("bulk", "散装", "Bulk"),
    ];
    let record = vec![
        Field::datetime("sampled_at", "采样时间", "Sampled at").required(),
        Field::select("packaging", "包装", "Packaging", packaging).required(),
        Field::text("batch_no", "批号", "Batch number")
            .required()
            .visible_when(Condition::equals("packaging", "prepacked")),
        Field::integer("quantity", "数量", "Quantity").range(Some(1.0), None),
        Field::text("witness", "见证人", "Witness")
            .required()
            .sensitive()
            .visible_when(Condition::equals("witnessed", true)),
        Field::text("a/b~c", "特殊", "Odd id").required(),
    ];
    let contact = vec![Field::text("phone", "电话", "Phone").required()];
    FormDef::new("f", "表", "Form")
        .field(Field::boolean("witnessed", "有见证人", "Witnessed"))
        .field(Field::object("record", "采样记录", "Sampling record", record).required())
        .field(Field::object(
            "extra",
            "补充",
            "Extra",
            vec![Field::text("note", "说明", "Note").required()],
        ))
        .field(
            Field::object(
                "hidden",
                "隐藏",
                "Hidden",
                vec![Field::text("x", "甲", "X").required()],
            )
            .required()
            .visible_when(Condition::equals("witnessed", true)),
        )
        .field(Field::group(
            "rows",
            "表格",
            "Rows",
            vec![Field::object("contact", "联系", "Contact", contact).required()],
        ))
}

fn object_codes(data: serde_json::Value) -> Vec<(String, String)> {
    validate(&object_form(), &data)
        .into_iter()
        .map(|f| (f.field, f.code))
        .collect()
}

fn record() -> serde_json::Value {
    json!({"sampled_at": "2026-05-12T09:30:00+08:00", "packaging": "prepacked",
           "batch_no": "20260420", "quantity": 3, "a/b~c": "x", "undeclared": true})
}

#[test]
fn a_complete_object_has_no_findings() {
    assert_eq!(object_codes(json!({"record": record()})), vec![]);
    let rows = json!({"record": record(), "rows": [{"contact": {"phone": "13800000000"}}]});
    assert_eq!(object_codes(rows), vec![]);
}

#[test]
fn a_required_object_must_be_present() {
    let want = vec![("/record".to_string(), "required".to_string())];
    for absent in [json!({}), json!({"record": null}), json!({"record": {}})] {
        assert_eq!(object_codes(absent.clone()), want, "{absent}");
    }
    // What a form left untouched submits: every member blank.
    let untouched = json!({"record": {"sampled_at": "", "packaging": null, "batch_no": " "}});
    assert_eq!(object_codes(untouched), want);
}

#[test]
fn an_optional_object_left_out_is_not_looked_into() {
    let data = |extra| json!({"record": record(), "extra": extra});
    assert_eq!(object_codes(data(json!(null))), vec![]);
    assert_eq!(object_codes(data(json!({"note": ""}))), vec![]);
    // Once given, its required members are required.
    assert_eq!(
        object_codes(data(json!({"other": 1}))),
        vec![("/extra/note".into(), "required".into())]
    );
}

#[test]
fn a_missing_required_member_is_named_by_its_pointer() {
    let mut r = record();
    if let Some(m) = r.as_object_mut() {
        m.remove("sampled_at");
        m.remove("a/b~c");
    }
    assert_eq!(
        object_codes(json!({"record": r})),
        vec![
            ("/record/sampled_at".into(), "required".into()),
            ("/record/a~1b~0c".into(), "required".into()),
        ]
    );
}

#[test]
fn hidden_members_are_not_required() {
    // batch_no shows only for prepacked food (a member's condition on a member).
    let mut bulk = record();
    bulk["packaging"] = json!("bulk");
    if let Some(m) = bulk.as_object_mut() {
        m.remove("batch_no");
    }
    assert_eq!(object_codes(json!({"record": bulk.clone()})), vec![]);
    let mut prepacked = bulk;
    prepacked["packaging"] = json!("prepacked");
    assert_eq!(
        object_codes(json!({"record": prepacked})),
        vec![("/record/batch_no".into(), "required".into())]
    );
    // witness shows when the top-level `witnessed` is true (a member's condition on a
    // top-level field); so does the whole `hidden` object.
    assert_eq!(
        object_codes(json!({"record": record(), "witnessed": true})),
        vec![
            ("/record/witness".into(), "required".into()),
            ("/hidden".into(), "required".into()),
        ]
    );
}

#[test]
fn members_are_checked_like_fields() {
    let mut r = record();
    r["sampled_at"] = json!("yesterday");
    r["packaging"] = json!("crate");
    r["quantity"] = json!(0);
    assert_eq!(
        object_codes(json!({"record": r})),
        vec![
            ("/record/sampled_at".into(), "type".into()),
            ("/record/packaging".into(), "option".into()),
            ("/record/quantity".into(), "min".into()),
        ]
    );
}

#[test]
fn an_object_must_be_an_object() {
    for wrong in [json!("text"), json!([record()]), json!(3)] {
        assert_eq!(
            object_codes(json!({"record": wrong})),
            vec![("/record".into(), "type".into())]
        );
    }
}

#[test]
fn objects_in_group_rows_are_validated_per_row() {
    let rows =
        json!([{"contact": {"phone": "1"}}, {"contact": {"phone": ""}}, {}, {"contact": "x"}]);
    assert_eq!(
        object_codes(json!({"record": record(), "rows": rows})),
        vec![
            ("/rows/1/contact".into(), "required".into()),
            ("/rows/2/contact".into(), "required".into()),
            ("/rows/3/contact".into(), "type".into()),
        ]
    );
}

#[test]
fn object_json_round_trips() {
    let f = object_form();
    let text = serde_json::to_string(&f).unwrap_or_default();
    assert!(
        text.contains(r#"{"id":"extra","type":"object","fields":[{"id":"note","type":"text""#),
        "{text}"
    );
    let back: FormDef = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, f);
    assert_eq!(crate::form::lint(&f), Vec::<String>::new());
}

/// The object example of docs/plugins.md is a sound field, and behaves as the text
/// around it says.
#[test]
fn the_documented_object_example_holds() {
    let doc = include_str!("../../../../../docs/plugins.md");
    let example = doc
        .split("```json\n")
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains(r#""type": "object""#))
        .unwrap_or_else(|| panic!("no object example in docs/plugins.md"));
    let field: Field = serde_json::from_str(example).unwrap_or_else(|e| panic!("{e}"));
    let form = FormDef::new("f", "表", "Form").field(field);
    assert_eq!(crate::form::lint(&form), Vec::<String>::new());
    let codes = |data| -> Vec<(String, String)> {
        validate(&form, &data)
            .into_iter()
            .map(|f| (f.field, f.code))
            .collect()
    };
    let bulk = json!({"sampling_record": {"sampled_at": "2026-05-12T09:30:00+08:00", "packaging": "bulk"}});
    assert_eq!(codes(bulk), vec![]);
    let want = vec![("/sampling_record".to_string(), "required".to_string())];
    assert_eq!(codes(json!({"sampling_record": {}})), want);
    let prepacked = json!({"sampling_record": {"packaging": "prepacked"}});
    assert_eq!(
        codes(prepacked),
        vec![
            ("/sampling_record/sampled_at".into(), "required".into()),
            ("/sampling_record/batch_no".into(), "required".into()),
        ]
    );
}
