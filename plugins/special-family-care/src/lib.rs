//! anjuan programme plugin for 暖心行动 (care for families who lost their only child,
//! 计划生育特殊家庭): the forms and programme checks named in
//! `workflows/special-family-care/workflow.yaml`.
//!
//! Rules come from the county's 暖心行动 implementation plan, the source behind
//! `PROGRAMMES.md` §3. The families' identity, contact, health and psychological data
//! are sensitive (注重保护和尊重…隐私): the forms mark them so, as the workflow does, and
//! no finding ever repeats such a value.
//!
//! # Layout
//! - `forms`: `family` (registration, contacts, record, health services, visit and
//!   emergency requests, consent, closing) and `care` (visits, health checks,
//!   psychological assessment and care, emergency aid, screening). The workflow's
//!   object fields are described in `forms::objects`.
//! - `checks`: `family` (one record per family, the two contacts and a liaison, consent
//!   recorded) and `care` (visit records, health records, consent on file before an
//!   assessment, aid records, new families registered).

mod checks;
pub mod forms;

use anjuan_plugin_sdk::{CallError, Context, Description, Finding, FormDef, Item, Plugin, Value};

pub use checks::id_number_query;

/// The plugin.
pub struct SpecialFamilyCare;

/// Forms: id, Chinese title, English title.
pub const FORMS: &[(&str, &str, &str)] = &[
    (
        "family-registration",
        "特殊家庭建档立卡",
        "Family registration",
    ),
    ("contacts", "双岗联系人", "Contacts"),
    ("family-record", "家庭档案", "Family record"),
    (
        "health-services",
        "家庭医生、就医卡与保险",
        "Health services",
    ),
    ("plan-visit", "安排走访", "Arrange a visit"),
    ("emergency-report", "紧急情况报告", "Emergency report"),
    (
        "psych-consent",
        "心理评估知情同意",
        "Consent to an assessment",
    ),
    ("close-record", "销档", "Close the record"),
    ("visit-record", "走访记录", "Visit record"),
    ("health-check", "免费健康体检", "Health check"),
    ("health-record", "健康档案和跟踪服务", "Health record"),
    (
        "psych-assessment",
        "心理健康评估",
        "Psychological assessment",
    ),
    ("intervention-plan", "心理干预方案", "Intervention plan"),
    ("emergency-aid", "紧急救助记录", "Emergency aid"),
    ("screening", "排查摸底", "Screening"),
];

/// Checks: id, Chinese title, English title.
pub const CHECKS: &[(&str, &str, &str)] = &[
    (
        "family-not-already-registered",
        "不重复建档",
        "Not already registered",
    ),
    (
        "contacts-assigned",
        "落实双岗联系人和联络员",
        "Contacts and liaison assigned",
    ),
    (
        "psych-consent-recorded",
        "按自愿原则登记知情同意",
        "Consent recorded",
    ),
    (
        "visit-record-complete",
        "走访记录完整",
        "Visit record complete",
    ),
    (
        "health-record-updated",
        "建立健康档案和跟踪服务",
        "Health record updated",
    ),
    ("consent-on-file", "评估前已有本人同意", "Consent on file"),
    (
        "aid-record-complete",
        "紧急救助记录完整",
        "Aid record complete",
    ),
    (
        "new-families-registered",
        "新增家庭建档立卡",
        "New families registered",
    ),
];

fn items(list: &[(&str, &str, &str)]) -> Vec<Item> {
    list.iter()
        .map(|(id, zh, en)| Item::new(id, zh, en))
        .collect()
}

impl Plugin for SpecialFamilyCare {
    fn describe() -> Description {
        Description {
            id: "special-family-care".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            interface_version: String::new(),
            title_zh: "暖心行动（计划生育特殊家庭关怀）".into(),
            title_en: "Warm-heart care for special families".into(),
            forms: items(FORMS),
            checks: items(CHECKS),
            derived_fields: vec![],
        }
    }

    fn form(_ctx: &Context<'_>, form_id: &str) -> Result<FormDef, CallError> {
        forms::form(form_id).ok_or_else(|| CallError::UnknownId(form_id.into()))
    }

    fn check(ctx: &Context<'_>, check_id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
        checks::run(ctx, check_id, input)
    }
}

anjuan_plugin_sdk::export_plugin!(SpecialFamilyCare);

#[cfg(test)]
mod tests;
