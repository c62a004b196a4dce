//! Monitoring samples (监测样品) and follow-up samples (扩大监测样品).

use super::{MONITORING_KINDS, choices, objects};
use anjuan_plugin_sdk::{Field, FormDef};

/// 监测样品计划: a planned sample under the year's plan.
pub fn sample_plan() -> FormDef {
    FormDef::new("sample-plan", "监测样品计划", "Planned sample")
        .field(
            Field::select(
                "monitoring_kind",
                "监测类别",
                "Kind",
                choices(MONITORING_KINDS),
            )
            .required(),
        )
        .field(Field::text("food_category", "食品类别", "Food category").required())
        .field(Field::text("food_name", "样品名称", "Food").required())
        .field(Field::text("brand", "品牌", "Brand"))
        .field(Field::text("producer", "生产者", "Producer"))
        .field(
            Field::boolean("locally_produced", "本地产品", "Produced locally")
                .required()
                .default_value(false),
        )
        .field(
            Field::text("sampling_point", "采样点", "Sampling point")
                .required()
                .help("采样点相对固定。", "Sampling points stay relatively fixed."),
        )
        .field(Field::org_unit("sampling_area", "采样辖区", "Area sampled").required())
}

/// 采样记录: what the sampler records on site, with the item-by-item record as the
/// workflow's `sampling_record` object (members in [`objects::sampling_record`]).
pub fn sampling_record() -> FormDef {
    FormDef::new("sampling-record", "采样记录", "Sampling record")
        .help(
            "采样时应当按要求逐项记录采样信息，不得漏项；避免集中采样。",
            "Record every item of the sampling, leaving none out; avoid concentrated sampling.",
        )
        .field(Field::text("food_name", "样品名称", "Food").required())
        .field(Field::text("brand", "品牌", "Brand"))
        .field(Field::text("producer", "生产者", "Producer"))
        .field(Field::boolean("locally_produced", "本地产品", "Produced locally").required())
        .field(Field::text("sampling_point", "采样点", "Sampling point").required())
        .field(Field::org_unit("sampling_area", "采样辖区", "Area sampled").required())
        .field(
            Field::object(
                "sampling_record",
                "采样记录（逐项记录，不得漏项）",
                "Sampling record (every item, none left out)",
                objects::sampling_record(),
            )
            .required(),
        )
}

/// 送样: the sample goes to the lab.
pub fn lab_dispatch() -> FormDef {
    FormDef::new("lab-dispatch", "送样", "Send to the lab")
        .field(Field::date("sent_to_lab_on", "送样日期", "Sent to the lab on").required())
        .field(Field::text("lab", "检测机构", "Laboratory").required())
}

/// 监测数据: the result the city CDC sends back.
pub fn monitoring_result() -> FormDef {
    let row = vec![
        Field::text("item", "检测项目", "Test item").required(),
        Field::number("value", "结果", "Value").required(),
        Field::text("unit", "单位", "Unit").required(),
        Field::text("reference", "参考值", "Reference"),
    ];
    FormDef::new("monitoring-result", "监测数据", "Monitoring result")
        .field(Field::date("result_received_on", "收到监测数据日期", "Result received on").required())
        .field(
            Field::group("result_items", "检测结果", "Results", row)
                .required()
                .items(Some(1), None),
        )
        .field(
            Field::boolean("hazard_found", "发现食品安全隐患", "Hazard found")
                .required()
                .help("发现隐患的，核实后报送上级疾控中心并告知卫生健康委。", "A hazard is verified, then reported to the upper CDC and the health commission."),
        )
}

/// 隐患核实报送: the verified hazard, reported upward.
pub fn hazard_report() -> FormDef {
    FormDef::new("hazard-report", "食品安全隐患核实报送", "Hazard report")
        .help(
            "发现重要食品安全隐患应当在核实后报送，并及时告知上级机构和同级卫生行政部门。",
            "A significant hazard is reported once verified, and the upper CDC and the health commission are told at once.",
        )
        .field(Field::long_text("hazard_description", "隐患描述", "Hazard").required())
        .field(Field::date("verified_on", "核实日期", "Verified on").required())
}

/// 通报食品安全监管部门: the health commission notifies the regulator.
pub fn regulator_notice() -> FormDef {
    FormDef::new(
        "regulator-notice",
        "通报食品安全监管部门",
        "Notify the regulator",
    )
    .field(
        Field::date(
            "regulator_notified_on",
            "通报监管部门日期",
            "Regulator notified on",
        )
        .required(),
    )
}

/// 扩大采样计划: more samples of the problem food or brand, one follow-up case per row.
pub fn expand_sampling() -> FormDef {
    let row = vec![
        Field::text("food_name", "样品名称", "Food").required(),
        Field::text("brand", "品牌", "Brand"),
        Field::text("sampling_point", "采样点", "Sampling point").required(),
        Field::integer("count", "份数", "Samples")
            .unit("份", "samples")
            .range(Some(1.0), None)
            .required(),
    ];
    FormDef::new("expand-sampling", "扩大采样计划", "Enlarged sampling")
        .help(
            "监测结果发现食品安全隐患的，扩大问题食品品种或品牌的样品数量。每行生成一个扩大监测样品。",
            "When a result reveals a hazard, take more samples of that product or brand. Each row opens a follow-up sample.",
        )
        .field(
            Field::group("expansion_plan", "扩大采样计划", "Enlarged sampling", row)
                .required()
                .items(Some(1), None),
        )
}

/// 扩大监测采样: a follow-up sample collected.
pub fn follow_up_sampling() -> FormDef {
    FormDef::new("follow-up-sampling", "扩大监测采样", "Follow-up sampling")
        .field(Field::text("sampling_point", "采样点", "Sampling point").required())
        .field(
            Field::integer("collected_count", "已采份数", "Samples collected")
                .unit("份", "samples")
                .range(Some(1.0), None)
                .required(),
        )
}

/// 扩大监测结果: whether the follow-up confirmed the hazard.
pub fn follow_up_result() -> FormDef {
    FormDef::new("follow-up-result", "扩大监测结果", "Follow-up result")
        .field(Field::boolean("hazard_confirmed", "隐患得到证实", "Hazard confirmed").required())
        .field(Field::long_text("result_note", "结果说明", "Result").required())
}
