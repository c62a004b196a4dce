//! Derived fields of a sampled batch: the month it was sampled in and the monthly quota
//! it counts against, so the plan's monthly quotas can be counted by exact values.
//!
//! The plan sets its quotas by month, split into food (食品抽检: catering and the city's
//! special tasks, salt included) and edible agricultural products (食用农产品). A batch
//! records the day it was sampled and its category; a count query matches values
//! exactly, so the server stores these two fields beside them, from this plugin.

use anjuan_plugin_sdk::{DataExt, Value, json};

/// The fields [`derive`] computes, as JSON Pointers.
pub const DERIVED_FIELDS: &[&str] = &["/sampled_month", "/quota_line"];

/// `sampled_month` (`YYYY-MM` of `sampled_on`) and `quota_line` (`agricultural` for
/// edible agricultural products, `food` for every other category); `null` while the
/// field it comes from is missing.
pub fn derive(data: &Value) -> Value {
    let month = month_of(data);
    let line = data.str_at("/category").filter(|c| !c.is_empty()).map(|c| {
        if c == "agricultural" {
            "agricultural"
        } else {
            "food"
        }
    });
    json!({ "sampled_month": month, "quota_line": line })
}

/// The month (`YYYY-MM`) a batch was sampled in, from `/sampled_on`: the round (批次任务)
/// it belongs to.
pub fn month_of(data: &Value) -> Option<String> {
    data.date_at("/sampled_on")
        .map(|d| d.format("%Y-%m").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_counts_in_the_month_it_was_sampled_and_on_its_line() {
        let d = derive(&json!({ "sampled_on": "2026-04-30", "category": "salt" }));
        assert_eq!(
            d,
            json!({ "sampled_month": "2026-04", "quota_line": "food" })
        );
        let d = derive(&json!({ "sampled_on": "2026-05-01", "category": "agricultural" }));
        assert_eq!(
            d,
            json!({ "sampled_month": "2026-05", "quota_line": "agricultural" })
        );
    }

    #[test]
    fn a_batch_without_its_date_or_category_is_not_counted_yet() {
        let d = derive(&json!({ "sampled_on": "30 April" }));
        assert_eq!(d, json!({ "sampled_month": null, "quota_line": null }));
    }
}
