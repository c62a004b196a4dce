//! Test plugin `probe`: shows the host what it received and exercises every host import.
//! - `echo`: one warning whose English message is the input JSON (declared-reads test);
//! - `count`: runs the count query named at `/query` with `/params`, `/repeat` times
//!   (capability tests);
//! - `workdays`: `/date` plus `/days` working days, and the days between (calendar);
//! - `big`: a message of `/size` bytes (output limit test);
//! - `clock`: three warnings, codes `now`, `time-zone`, `local-now`, whose English
//!   messages are those envelope fields, and one `today` from the SDK's time helpers;
//! - `derive`: `{"echo": <input>}`; form `f` uses every field type of the form language.

use anjuan_plugin_sdk::{
    CallError, Choice, Condition, Context, DataExt, Description, Field, Finding, FormDef, Item,
    LogLevel, Plugin, Value, json,
};

/// The plugin.
pub struct Probe;

fn note(code: &str, en: String) -> Finding {
    Finding::warning("", code, &en, &en)
}

impl Plugin for Probe {
    fn describe() -> Description {
        Description {
            id: "probe".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "探针".into(),
            title_en: "Probe".into(),
            forms: vec![Item::new("f", "全部字段", "Every field type")],
            checks: ["echo", "count", "workdays", "big", "clock"]
                .iter()
                .map(|c| Item::new(c, c, c))
                .collect(),
            derived_fields: vec!["/echo".into()],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        if form_id != "f" {
            return Err(CallError::UnknownId(form_id.into()));
        }
        let opts = vec![Choice::new("a", "甲", "A"), Choice::new("b", "乙", "B")];
        Ok(FormDef::new("f", "全部字段", "Every field type")
            .field(
                Field::text("text", "文本", "Text")
                    .required()
                    .pattern("[a-z]+"),
            )
            .field(Field::long_text("long", "长文本", "Long text").length(None, Some(500)))
            .field(
                Field::number("weight", "重量", "Weight")
                    .unit("千克", "kg")
                    .range(Some(0.0), None),
            )
            .field(Field::integer("count", "数量", "Count").range(Some(1.0), Some(6.0)))
            .field(Field::date("day", "日期", "Day"))
            .field(Field::datetime("at", "时间", "At"))
            .field(Field::boolean("flag", "标志", "Flag"))
            .field(
                Field::select("one", "单选", "One", opts.clone())
                    .visible_when(Condition::equals("flag", true)),
            )
            .field(Field::multi_select("many", "多选", "Many", opts))
            .field(Field::org_unit("unit", "单位", "Unit"))
            .field(Field::user("who", "人员", "Who"))
            .field(Field::file("doc", "文件", "Document").sensitive())
            .field(
                Field::group(
                    "rows",
                    "表格",
                    "Rows",
                    vec![Field::text("cell", "单元", "Cell")],
                )
                .items(None, Some(3)),
            )
            .field(Field::object(
                "record",
                "记录",
                "Record",
                vec![
                    Field::date("on", "日期", "On").required(),
                    Field::text("why", "原因", "Why")
                        .required()
                        .visible_when(Condition::equals("flag", true)),
                ],
            )))
    }

    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
        ctx.host()
            .log(LogLevel::Info, &format!("probe check {check_id}"));
        match check_id {
            "echo" => Ok(vec![note("echo", input.to_string())]),
            "clock" => {
                let env = ctx.envelope();
                let today = anjuan_plugin_sdk::time::today(ctx)
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                Ok(vec![
                    note("now", env.now.clone()),
                    note("time-zone", env.time_zone.clone()),
                    note("local-now", env.local_now.clone()),
                    note("today", today),
                ])
            }
            "count" => {
                let query = input.str_at("/query").unwrap_or_default();
                let params = input.at("/params").unwrap_or(&Value::Null);
                let mut n = 0;
                for _ in 0..input.i64_at("/repeat").unwrap_or(1) {
                    n = ctx.count(query, params)?;
                }
                Ok(vec![note("count", n.to_string())])
            }
            "workdays" => {
                let date = input
                    .date_at("/date")
                    .ok_or_else(|| CallError::BadInput("no /date".into()))?;
                let days = u32::try_from(input.i64_at("/days").unwrap_or(0)).unwrap_or(0);
                let end = ctx.add_working_days(date, days)?;
                let back = ctx.working_days_between(date, end)?;
                Ok(vec![note("workdays", format!("{end} {back}"))])
            }
            "big" => {
                let size = usize::try_from(input.i64_at("/size").unwrap_or(0)).unwrap_or(0);
                Ok(vec![note("big", "x".repeat(size))])
            }
            other => Err(CallError::UnknownId(other.into())),
        }
    }

    fn derive(_ctx: &Context<'_>, data: &Value) -> Result<Value, CallError> {
        Ok(json!({ "echo": data }))
    }
}

anjuan_plugin_sdk::export_plugin!(Probe);

#[cfg(test)]
mod tests {
    use super::*;
    use anjuan_plugin_sdk::{Envelope, FakeHost};

    #[test]
    fn counts_through_the_fake_host() {
        let env = Envelope::for_test("demo", "batch");
        let host = FakeHost::new().count_answer("batches", 4);
        let ctx = Context::new(&env, &host);
        let out = Probe::check(
            &ctx,
            "count",
            &json!({"query": "batches", "params": {"plan": "p"}}),
        );
        assert_eq!(out.map(|f| f[0].message_en.clone()), Ok("4".into()));
        assert!(
            anjuan_plugin_sdk::form::lint(
                &Probe::form(&ctx, "f").unwrap_or_else(|e| panic!("{e}"))
            )
            .is_empty()
        );
    }
}
