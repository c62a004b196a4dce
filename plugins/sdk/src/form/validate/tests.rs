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
