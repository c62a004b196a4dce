//! The form language as HTML inputs and back.

use serde_json::json;

use super::*;
use crate::http::ui::page::FormBody;
use crate::http::ui::render::Ui;
use crate::workflow::model::I18n;

/// A form with every field type, a condition, and a group with a condition inside.
pub(crate) fn sample_form() -> FormDef {
    serde_json::from_value(json!({
        "id": "everything",
        "title": { "zh": "全部字段", "en": "Every field" },
        "help": { "zh": "说明", "en": "Help" },
        "fields": [
            { "id": "name", "type": "text", "label": { "zh": "名称", "en": "Name" }, "required": true, "max_length": 20, "pattern": "[A-Z]+" },
            { "id": "note", "type": "long-text", "label": { "zh": "备注", "en": "Note" } },
            { "id": "qty", "type": "number", "label": { "zh": "数量", "en": "Quantity" }, "unit": { "zh": "千克", "en": "kg" }, "min": 0 },
            { "id": "count", "type": "integer", "label": { "zh": "批次", "en": "Batches" }, "max": 6 },
            { "id": "on", "type": "date", "label": { "zh": "日期", "en": "Date" } },
            { "id": "at", "type": "datetime", "label": { "zh": "时间", "en": "Time" } },
            { "id": "serious", "type": "boolean", "label": { "zh": "严重", "en": "Serious" }, "required": true },
            { "id": "kind", "type": "select", "label": { "zh": "类别", "en": "Kind" },
              "options": [ { "value": "a", "label": { "zh": "甲", "en": "A" } }, { "value": "b", "label": { "zh": "乙", "en": "B" } } ] },
            { "id": "measures", "type": "multi-select", "label": { "zh": "措施", "en": "Measures" }, "required": true, "min_items": 1,
              "options": [ { "value": "seal", "label": { "zh": "查封", "en": "Seal" } }, { "value": "recall", "label": { "zh": "召回", "en": "Recall" } } ],
              "visible_when": { "field": "serious", "equals": true } },
            { "id": "unit", "type": "org-unit", "label": { "zh": "单位", "en": "Unit" } },
            { "id": "who", "type": "user", "label": { "zh": "人员", "en": "Person" }, "sensitive": true },
            { "id": "doc", "type": "file", "label": { "zh": "附件", "en": "File" } },
            { "id": "police", "type": "object", "label": { "zh": "移送", "en": "Transfer" },
              "fields": [
                { "id": "on", "type": "date", "label": { "zh": "日期", "en": "On" }, "required": true },
                { "id": "unit", "type": "text", "label": { "zh": "机关", "en": "Unit" } }
              ] },
            { "id": "rows", "type": "group", "label": { "zh": "明细", "en": "Rows" }, "min_items": 1, "max_items": 5,
              "fields": [
                { "id": "item", "type": "text", "label": { "zh": "项目", "en": "Item" }, "required": true },
                { "id": "failed", "type": "boolean", "label": { "zh": "不合格", "en": "Failed" } },
                { "id": "why", "type": "text", "label": { "zh": "原因", "en": "Why" }, "visible_when": { "field": "failed", "equals": true } }
              ] }
        ]
    }))
    .expect("the sample form parses")
}

fn body(pairs: &[(&str, &str)]) -> FormBody {
    FormBody(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

const TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

#[test]
fn a_submitted_form_becomes_typed_case_data() {
    let b = body(&[
        ("f.name", " ABC "),
        ("f.qty", "2.5"),
        ("f.count", "3"),
        ("f.at", "2026-11-29T10:30"),
        ("f.serious", "true"),
        ("f.measures", "seal"),
        ("f.measures", "recall"),
        ("f.kind", ""),
        ("f.police.on", "2026-11-30"),
        ("f.police.unit", ""),
        ("f.rows.0.item", "铅"),
        ("f.rows.0.failed", "true"),
        ("f.rows.0.why", "超标"),
        ("f.rows.1.item", ""),
        ("f.rows.2.item", "镉"),
        ("f.rows.2.failed", "false"),
        ("f.rows.2.why", "hidden, dropped"),
    ]);
    let data = parse(&sample_form(), &b, &json!({}), TZ);
    assert_eq!(data["name"], "ABC");
    assert_eq!(data["qty"], 2.5);
    assert_eq!(data["count"], 3);
    assert_eq!(data["at"], "2026-11-29T10:30:00+08:00");
    assert_eq!(data["serious"], true);
    assert_eq!(data["measures"], json!(["seal", "recall"]));
    assert_eq!(data["police"], json!({ "on": "2026-11-30" }));
    assert!(data.get("kind").is_none(), "blank and never set: left out");
    assert_eq!(
        data["rows"],
        json!([{ "item": "铅", "failed": true, "why": "超标" }, { "item": "镉", "failed": false }])
    );
}

#[test]
fn hidden_fields_are_dropped_and_cleared_fields_become_null() {
    let b = body(&[
        ("f.serious", "false"),
        ("f.measures", "seal"),
        ("f.name", ""),
    ]);
    let data = parse(
        &sample_form(),
        &b,
        &json!({ "name": "OLD", "who": MASK }),
        TZ,
    );
    assert!(data.get("measures").is_none(), "hidden by its condition");
    assert_eq!(data["name"], Value::Null, "clearing a field clears it");
    assert!(
        data.get("who").is_none(),
        "a masked field left blank keeps its value"
    );
}

#[test]
fn values_that_do_not_parse_are_kept_as_typed() {
    let data = parse(
        &sample_form(),
        &body(&[("f.qty", "两千"), ("f.count", "1.5")]),
        &json!({}),
        TZ,
    );
    assert_eq!(data["qty"], "两千");
    assert_eq!(data["count"], "1.5");
}

#[test]
fn pointers_map_to_input_names() {
    assert_eq!(pointer_to_name("/rows/1/item"), "f.rows.1.item");
    assert_eq!(pointer_to_name("/a~1b"), "f.a/b");
    assert_eq!(pointer_to_name("name"), "f.name");
    assert_eq!(pointer_to_name(""), "");
}

#[test]
fn errors_land_next_to_their_fields_and_values_are_kept() {
    let ui = Ui::load(None);
    let dir = Directory::default();
    let cx = ViewCtx {
        lang: Lang::Zh,
        ui: &ui,
        dir: &dir,
        tz: TZ,
        add_row: Some("f.rows"),
        programme: "p",
        unit: None,
    };
    let violation = |field: &str| Violation {
        layer: None,
        field: field.into(),
        code: "required".into(),
        message: I18n {
            zh: format!("{field} 必填"),
            en: "required".into(),
        },
    };
    let values = json!({ "name": "abc", "serious": false, "rows": [{ "item": "", "failed": true }], "at": "2026-11-29T02:30:00Z" });
    let v = view(
        &sample_form(),
        &values,
        &[
            violation("/name"),
            violation("/rows/0/item"),
            violation("/nowhere"),
        ],
        &cx,
    );
    let name = &v.fields[0];
    assert_eq!(name.value, "abc");
    assert_eq!(name.errors, vec!["/name 必填".to_owned()]);
    assert_eq!(
        v.fields[5].value, "2026-11-29T10:30",
        "datetimes show in local time"
    );
    let measures = &v.fields[8];
    assert!(measures.hidden, "serious is false");
    assert!(measures.condition_text.contains("严重"));
    assert_eq!(v.fields[12].members.len(), 2, "an object's members");
    let rows = &v.fields[13];
    assert_eq!(rows.rows.len(), 3, "one row, one empty row, one added");
    assert_eq!(rows.rows[0].fields[0].errors.len(), 1);
    assert!(
        !rows.rows[0].fields[2].hidden,
        "the row's own `failed` decides"
    );
    assert!(rows.rows[1].fields[2].hidden);
    // The row the page adds (app.js) is an empty row with a placeholder index, and keeps
    // none of the errors.
    let template = rows
        .row_template
        .as_ref()
        .expect("a group has a row template");
    assert_eq!(
        template.fields[0].name,
        format!("f.rows.{}.item", super::ROW)
    );
    assert!(template.fields[0].errors.is_empty());
    assert_eq!(template.fields[0].value, "");
    assert!(template.fields[2].hidden, "drawn as the server's empty row");
    assert_eq!(rows.max_items, "5");
    assert_eq!(v.general_errors, vec!["/nowhere 必填".to_owned()]);
}

#[test]
fn a_file_field_makes_the_form_multipart_and_shows_the_file_it_holds() {
    let ui = Ui::load(None);
    let dir = Directory::default();
    let cx = ViewCtx {
        lang: Lang::Zh,
        ui: &ui,
        dir: &dir,
        tz: TZ,
        add_row: None,
        programme: "p",
        unit: None,
    };
    let def = sample_form();
    assert!(has_file(&def.fields));
    assert!(!has_file(&def.fields[..1]));
    let mut v = view(&def, &json!({ "doc": "f-1" }), &[], &cx);
    assert_eq!(file_values(&v), ["f-1"]);
    name_files(&mut v, &|id| {
        (id == "f-1").then(|| ("承诺书.pdf".to_owned(), size_text(2048)))
    });
    let doc = v.fields.iter().find(|f| f.kind == "file").unwrap();
    assert_eq!(doc.file_name, "承诺书.pdf");
    assert_eq!(doc.file_size, "2.0 KiB");
    // The id comes back from the hidden input (or the new upload) as the value.
    let data = parse(&def, &body(&[("f.doc", "f-1")]), &json!({}), TZ);
    assert_eq!(data["doc"], "f-1");
    assert_eq!(size_text(820), "820 B");
    assert_eq!(size_text(3 * 1024 * 1024 + 100_000), "3.1 MiB");
}

/// A count typed as 120 is stored by a `number` field as 120.0; it comes back as 120,
/// also after a refused submission, and so does -5.
#[test]
fn whole_numbers_show_without_a_decimal_point() {
    let ui = Ui::load(None);
    let dir = Directory::default();
    let cx = ViewCtx {
        lang: Lang::Zh,
        ui: &ui,
        dir: &dir,
        tz: TZ,
        add_row: None,
        programme: "p",
        unit: None,
    };
    let form = sample_form();
    let submitted = parse(
        &form,
        &body(&[("f.qty", "120"), ("f.count", "-5")]),
        &json!({}),
        TZ,
    );
    let shown = |values: &serde_json::Value| {
        let v = view(&form, values, &[], &cx);
        (v.fields[2].value.clone(), v.fields[3].value.clone())
    };
    assert_eq!(shown(&submitted), ("120".to_owned(), "-5".to_owned()));
    assert_eq!(shown(&json!({ "qty": -5.0 })).0, "-5");
    assert_eq!(shown(&json!({ "qty": 12.5 })).0, "12.5");
    assert_eq!(shown(&json!({ "qty": -0.0 })).0, "0");
    assert_eq!(shown(&json!({ "qty": 1e300 })).0, "1e+300");
}

/// The form language's messages quote the label already; the summary says it once.
#[test]
fn the_error_summary_names_each_field_once() {
    let ui = Ui::load(None);
    let dir = Directory::default();
    let cx = ViewCtx {
        lang: Lang::Zh,
        ui: &ui,
        dir: &dir,
        tz: TZ,
        add_row: None,
        programme: "p",
        unit: None,
    };
    let violation = |field: &str, zh: &str| Violation {
        layer: None,
        field: field.into(),
        code: "x".into(),
        message: I18n {
            zh: zh.into(),
            en: zh.into(),
        },
    };
    let v = view(
        &sample_form(),
        &json!({}),
        &[
            violation("/name", "「名称」为必填项"),
            violation("/qty", "不得小于 0"),
        ],
        &cx,
    );
    assert_eq!(
        error_links(&v),
        vec![
            ("#f-name".to_owned(), "「名称」为必填项".to_owned()),
            ("#f-qty".to_owned(), "数量：不得小于 0".to_owned()),
        ]
    );
}
