//! Members of the workflow's `object` fields, with zh/en labels: the forms that fill an
//! object field build it from these (`Field::object`), so the server validates each
//! member (pointers like `/sampling_record/sampled_at`) before the checks, which read
//! them by the same pointers.

use super::choices;
use anjuan_plugin_sdk::{Condition, Field};

/// `sampling_record` of a monitoring sample (recorded by `record-collection`): every
/// item of the sampling (逐项记录采样信息，不得漏项).
pub fn sampling_record() -> Vec<Field> {
    let places = [
        ("planting-breeding", "种植养殖环节", "Planting or breeding"),
        ("production", "生产加工环节", "Production"),
        ("distribution", "流通环节", "Distribution"),
        ("catering", "餐饮环节", "Catering"),
        ("online", "网络销售", "Online"),
    ];
    let packaging = [
        ("prepacked", "预包装", "Prepacked"),
        ("bulk", "散装", "Bulk"),
    ];
    vec![
        Field::datetime("sampled_at", "采样时间", "Sampled at").required(),
        Field::select("place_kind", "采样环节", "Where sampled", choices(&places)).required(),
        Field::text("business_name", "被采样单位", "Business sampled").required(),
        Field::select("packaging", "包装", "Packaging", choices(&packaging)).required(),
        Field::text("batch_no", "批号", "Batch number")
            .required()
            .visible_when(Condition::equals("packaging", "prepacked")),
        Field::date("produced_on", "生产日期", "Production date")
            .required()
            .visible_when(Condition::equals("packaging", "prepacked")),
        Field::text("quantity", "采样数量", "Quantity").required(),
        Field::text("storage", "储存条件", "Storage conditions").required(),
        Field::text("samplers", "采样人员", "Samplers").required(),
    ]
}

/// `attribution` of an outbreak (recorded by `complete-investigation`): 归因分析.
pub fn attribution() -> Vec<Field> {
    let factors = [
        ("cross-contamination", "交叉污染", "Cross-contamination"),
        ("improper-storage", "储存不当", "Improper storage"),
        ("undercooking", "加工不彻底", "Undercooking"),
        (
            "contaminated-raw-material",
            "原料污染",
            "Contaminated raw material",
        ),
        ("infected-handler", "从业人员带菌", "Infected food handler"),
        ("other", "其他", "Other"),
    ];
    let confidence = [
        ("confirmed", "确认", "Confirmed"),
        ("probable", "很可能", "Probable"),
        ("possible", "可能", "Possible"),
    ];
    vec![
        Field::text("food", "致病食品", "Food").required(),
        Field::text("pathogen", "致病因子", "Agent").required(),
        Field::multi_select(
            "contributing_factors",
            "致病因素",
            "Contributing factors",
            choices(&factors),
        )
        .required(),
        Field::select("confidence", "判定依据", "Confidence", choices(&confidence)).required(),
    ]
}
