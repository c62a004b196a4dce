//! The family record: one record per family (建档立卡), its two contacts and liaison
//! (双岗联系人、联络员), and consent to a psychological assessment (自愿原则).

use super::{ItemSpec, missing_items};
use anjuan_plugin_sdk::time::not_in_future;
use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value, json};

/// The count query declared in plugin.toml for [`family_not_already_registered`].
pub fn id_number_query() -> &'static str {
    "families-with-id-number"
}

/// `family-not-already-registered`: no other family record has this head of household's
/// ID number (closed records included: a family that comes back is reopened, not
/// registered twice). A final `x` is looked up in both cases, as people write it both
/// ways. The finding says neither the number nor why: a refusal that said "already
/// registered" would tell anyone allowed to register whether a number belongs to a
/// family anywhere in the county. The server limits and reports such lookups.
pub fn family_not_already_registered(
    ctx: &Context<'_>,
    input: &Value,
) -> Result<Vec<Finding>, CallError> {
    let Some(id) = input
        .str_at("/id_number")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Ok(Vec::new());
    };
    let mut spellings = vec![id.to_string()];
    if let Some(stem) = id.strip_suffix(['x', 'X']) {
        spellings = vec![format!("{stem}X"), format!("{stem}x")];
    }
    let mut found = 0;
    for s in &spellings {
        found += ctx.count(id_number_query(), &json!({ "id_number": s }))?;
    }
    // A stored case is among those found.
    let itself = u64::from(!ctx.envelope().state.is_empty());
    if found <= itself {
        return Ok(Vec::new());
    }
    Ok(vec![Finding::error(
        "/id_number",
        "ask-association-office",
        "无法为该家庭建档，请联系计生协会办公室",
        "This family cannot be registered here; ask the association office",
    )])
}

/// `contacts-assigned`: a township leader and a village cadre, two different people, as
/// the family's contacts (双岗), and a liaison for daily care (持续落实一名联络员). No
/// volunteer, no contact card or no way of contact is warned about ("1+1+N", 暖心联系卡,
/// 入户、电话、网络).
pub fn contacts_assigned(input: &Value) -> Vec<Finding> {
    let items: &[ItemSpec] = &[
        (
            "/township_contact",
            "镇（街道）领导干部联系人",
            "township leader contact",
        ),
        (
            "/village_contact",
            "村（居）委会干部联系人",
            "village cadre contact",
        ),
        ("/liaison", "联络员", "daily-care liaison"),
    ];
    let mut out = missing_items(input, items, ("双岗联系人", "contact assignment"));
    if let (Some(t), Some(v)) = (
        input.str_at("/township_contact"),
        input.str_at("/village_contact"),
    ) && !t.trim().is_empty()
        && t == v
    {
        out.push(Finding::error(
            "/village_contact",
            "same-contact",
            "镇（街道）联系人和村（居）联系人须为两名不同的干部",
            "The township and village contacts must be two different people",
        ));
    }
    let volunteers: Vec<&str> = input
        .array_at("/volunteers")
        .map(|rows| rows.iter().filter_map(|r| r.str_at("/person")).collect())
        .unwrap_or_default();
    if volunteers.is_empty() {
        out.push(Finding::warning(
            "/volunteers",
            "no-volunteers",
            "尚未安排志愿者（\"1+1+N\"团队联络模式）",
            "No volunteer is assigned yet (the \"1+1+N\" team)",
        ));
    }
    for (i, p) in volunteers.iter().enumerate() {
        if volunteers[..i].contains(p) {
            out.push(Finding::warning(
                &format!("/volunteers/{i}/person"),
                "duplicate-volunteer",
                &format!("第{}名志愿者重复", i + 1),
                &format!("Volunteer {} is listed twice", i + 1),
            ));
        }
    }
    if input.bool_at("/contact_card_issued") != Some(true) {
        out.push(Finding::warning(
            "/contact_card_issued",
            "no-contact-card",
            "尚未发放暖心联系卡",
            "The contact card has not been handed over yet",
        ));
    }
    if input.is_blank_at("/contact_methods") {
        out.push(Finding::warning(
            "/contact_methods",
            "no-contact-method",
            "未确定联系方式（入户、电话、网络）",
            "No way of contact is chosen (visit, phone, online)",
        ));
    }
    out
}

/// `psych-consent-recorded`: consent is recorded with its date (not in the future) and
/// the signed form. A "no" is recorded too (按照自愿原则: the family may decline or
/// withdraw), with a warning that no assessment can be arranged.
pub fn psych_consent_recorded(ctx: &Context<'_>, input: &Value) -> Vec<Finding> {
    match input.bool_at("/psych_consent") {
        None => vec![Finding::error(
            "/psych_consent",
            "missing-item",
            "须登记本人是否同意接受心理评估",
            "Record whether the person consents to an assessment",
        )],
        Some(false) => vec![Finding::warning(
            "/psych_consent",
            "consent-declined",
            "已登记本人不同意：按照自愿原则，不安排心理评估",
            "Recorded as not consenting: no assessment will be arranged",
        )],
        Some(true) => {
            let items: &[ItemSpec] = &[
                ("/psych_consent_on", "同意日期", "date of consent"),
                (
                    "/psych_consent_form",
                    "本人签署的知情同意书",
                    "signed consent form",
                ),
            ];
            let mut out = missing_items(input, items, ("知情同意", "consent record"));
            out.extend(not_in_future(
                ctx,
                input,
                "/psych_consent_on",
                ("同意日期", "date of consent"),
            ));
            out
        }
    }
}

#[cfg(test)]
mod tests;
