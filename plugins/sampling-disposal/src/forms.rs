//! Form definitions. Field ids are the case-data keys declared in
//! `workflows/sampling-disposal/workflow.yaml`; the members of its `object` fields are in
//! [`objects`].

pub mod objects;

use anjuan_plugin_sdk::{Choice, Condition, Field, FormDef};

/// 启动核查处置: what the inspector records when disposal of a non-conforming sample starts.
pub fn start_disposal() -> FormDef {
    let measures = vec![
        Choice::new("seal", "查封扣押", "Seal and seize"),
        Choice::new("stop-sale", "责令停止销售", "Stop sale"),
        Choice::new("recall", "召回", "Recall"),
        Choice::new("removal-from-shelves", "下架", "Remove from shelves"),
        Choice::new("destruction", "销毁", "Destroy"),
    ];
    FormDef::new("start-disposal", "启动核查处置", "Start disposal")
        .help(
            "收到不合格检验报告后启动核查处置；高风险或可能对身体健康和生命安全造成严重危害的，应在24小时内启动。",
            "Start disposal once the non-conforming report is received; within 24 hours when the item is high-risk or may seriously endanger health.",
        )
        .field(Field::user("inspector", "核查处置责任人", "Inspector in charge").required())
        .field(Field::boolean("high_risk", "高风险限时限报", "High-risk, time-limited").required())
        .field(
            Field::boolean("serious_hazard", "可能严重危害健康和生命安全", "May seriously endanger health or life")
                .required(),
        )
        .field(
            Field::multi_select("control_measures", "产品控制措施", "Product control", measures)
                .visible_when(Condition::equals("serious_hazard", true))
                .required()
                .help("可能严重危害健康的，启动时即采取控制措施。", "Control the product at once when it may seriously endanger health."),
        )
        .field(Field::number("controlled_quantity", "控制数量", "Quantity controlled").range(Some(0.0), None))
        .field(Field::long_text("dossier_note", "案卷说明", "Dossier note").length(None, Some(2000)))
}

/// 抽样单: the sampling record of a sampled batch.
pub fn sampling_record() -> FormDef {
    let formats = [
        ("wholesale-market", "批发市场", "Wholesale market"),
        ("farmers-market", "农贸市场", "Farmers' market"),
        ("supermarket", "商场超市", "Supermarket"),
        ("small-shop", "小食杂店", "Small shop"),
        ("school-canteen", "学校食堂", "School canteen"),
        ("kindergarten-canteen", "幼儿园食堂", "Kindergarten canteen"),
        ("central-kitchen", "中央厨房", "Central kitchen"),
        (
            "group-meal-distributor",
            "集体用餐配送单位",
            "Group-meal distributor",
        ),
        ("tourist-catering", "旅游景区餐饮", "Tourist-site catering"),
        ("restaurant", "餐馆", "Restaurant"),
        ("producer", "生产企业", "Producer"),
        ("small-workshop", "小作坊", "Small workshop"),
        ("online", "网络销售", "Online"),
    ];
    let categories = [
        ("agricultural", "食用农产品", "Agricultural products"),
        ("catering-food", "餐饮食品", "Catering food"),
        ("catering-utensil", "餐饮具", "Catering utensils"),
        ("city-special", "地方特色食品", "Local speciality"),
        ("salt", "食盐", "Salt"),
    ];
    let opts = |list: &[(&str, &str, &str)]| {
        list.iter()
            .map(|(v, z, e)| Choice::new(v, z, e))
            .collect::<Vec<_>>()
    };
    let marks = vec![
        Choice::new(
            "geographic-indication",
            "地理标志产品",
            "Geographic indication",
        ),
        Choice::new("organic", "有机产品", "Organic"),
    ];
    let sampler = vec![
        Field::user("person", "人员", "Person").required(),
        Field::boolean("is_regulator", "监管人员", "Regulator").required(),
    ];
    FormDef::new("sampling-record", "抽样单", "Sampling record")
        .field(Field::text("product", "样品名称", "Product").required())
        .field(Field::select("category", "类别", "Category", opts(&categories)).required())
        .field(Field::text("business_name", "被抽样单位", "Business sampled").required())
        .field(
            Field::text("business_credit_code", "统一社会信用代码", "Credit code")
                .required()
                .pattern("[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"),
        )
        .field(Field::text("business_address", "地址", "Address").required())
        .field(
            Field::select("business_format", "业态", "Business format", opts(&formats)).required(),
        )
        .field(Field::multi_select(
            "special_marks",
            "地理标志/有机认证",
            "Geographic indication / organic",
            marks,
        ))
        .field(
            Field::group("samplers", "抽样人员", "Samplers", sampler)
                .required()
                .items(Some(2), None),
        )
        .field(
            Field::boolean(
                "advance_notice_given",
                "抽样前曾通知被抽样单位",
                "Business told in advance",
            )
            .required()
            .default_value(false),
        )
        .field(Field::date("sampled_on", "抽样日期", "Sampled on").required())
        .field(Field::org_unit("market_office", "属地市场所", "Market office").required())
}

/// 移送公安机关: the transfer is the workflow's `police_transfer` object (members in
/// [`objects::police_transfer`]); the workflow asks for the reason as the comment.
pub fn police_transfer() -> FormDef {
    FormDef::new("police-transfer", "移送公安机关", "Transfer to the police")
        .help(
            "发现违法行为涉嫌犯罪的，应当依法及时移送公安机关；在意见中写明涉嫌的罪名和理由。",
            "A violation suspected to be a crime goes to the police at once; give the suspected offence and why in the comment.",
        )
        .field(
            Field::object(
                "police_transfer",
                "移送公安机关",
                "Transfer to the police",
                objects::police_transfer(),
            )
            .required(),
        )
}

/// 报送效果自评: the laboratory's self-evaluation of a round, the workflow's `evaluation`
/// object (members in [`objects::evaluation`]).
pub fn self_evaluation() -> FormDef {
    FormDef::new("self-evaluation", "报送效果自评", "Submit the self-evaluation")
        .help(
            "于每批任务完成时限后的3个工作日内报送计划实施效果自评，并附实施效果评价表（附件4）。",
            "Submit the round's self-evaluation within 3 working days of its deadline, with the evaluation form (annex 4).",
        )
        .field(
            Field::object(
                "evaluation",
                "计划实施效果自评",
                "Self-evaluation",
                objects::evaluation(),
            )
            .required(),
        )
}

/// The form `id`, or `None` when the plugin has no such form.
pub fn form(id: &str) -> Option<FormDef> {
    Some(match id {
        "start-disposal" => start_disposal(),
        "sampling-record" => sampling_record(),
        "police-transfer" => police_transfer(),
        "self-evaluation" => self_evaluation(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
