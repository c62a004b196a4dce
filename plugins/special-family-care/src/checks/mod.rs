//! Programme checks. Field pointers follow `workflows/special-family-care/workflow.yaml`;
//! each check receives only the fields its `plugin.toml` entry `reads`. The data is
//! sensitive: a finding names the item it concerns, never its value.

mod care;
mod family;

use anjuan_plugin_sdk::{CallError, Context, DataExt, Finding, Value};

pub use family::id_number_query;

/// Runs check `id`.
pub fn run(ctx: &Context<'_>, id: &str, input: &Value) -> Result<Vec<Finding>, CallError> {
    Ok(match id {
        "family-not-already-registered" => family::family_not_already_registered(ctx, input)?,
        "contacts-assigned" => family::contacts_assigned(input),
        "psych-consent-recorded" => family::psych_consent_recorded(ctx, input),
        "visit-record-complete" => care::visit_record_complete(ctx, input),
        "health-record-updated" => care::health_record_updated(input),
        "consent-on-file" => care::consent_on_file(ctx, input),
        "aid-record-complete" => care::aid_record_complete(input),
        "new-families-registered" => care::new_families_registered(input),
        other => return Err(CallError::UnknownId(other.into())),
    })
}

/// An item a record must carry: (pointer, 中文, English).
pub(crate) type ItemSpec = (&'static str, &'static str, &'static str);

/// One `missing-item` error for each blank item, naming the record it belongs to.
pub(crate) fn missing_items(
    input: &Value,
    items: &[ItemSpec],
    (record_zh, record_en): (&str, &str),
) -> Vec<Finding> {
    items
        .iter()
        .filter(|(p, ..)| input.is_blank_at(p))
        .map(|(p, zh, en)| {
            Finding::error(
                p,
                "missing-item",
                &format!("{record_zh}缺少「{zh}」"),
                &format!("The {record_en} lacks the {en}"),
            )
        })
        .collect()
}
