//! Disposal of a non-conforming sample (核查处置), one form per step, and the
//! publication of the result.
//!
//! A case spawned from a local batch carries the batch's product, business, report and
//! failed items, and the notice number and business role recorded on the batch when
//! the notice arrived (`open-disposal`, which requires the number); `start-disposal`
//! offers both again, and `cause-investigation` requires the role, which decides whether
//! production may resume after re-inspection.

use super::{CREDIT_CODE_PATTERN, choices, failed_items, note, objects};
use crate::vocab::{
    BUSINESS_ROLES, CAUSES, CONTROL_MEASURES, FILING_STEPS, PENALTY_KINDS, REINSPECTION_RESULTS,
    RETEST_RESULTS,
};
use anjuan_plugin_sdk::{Condition, Field, FormDef, json};

fn business_role() -> Field {
    Field::select(
        "business_role",
        "主体类型",
        "Role of the business",
        choices(BUSINESS_ROLES),
    )
    .help(
        "食品生产者须经复查合格方可恢复生产同种食品。",
        "A producer may resume producing the food only after a passed re-inspection.",
    )
}

fn notice_no() -> Field {
    Field::text("notice_no", "不合格结果通知书编号", "Notice number")
}

fn control_measures() -> Field {
    Field::multi_select(
        "control_measures",
        "产品控制措施",
        "Product control",
        choices(CONTROL_MEASURES),
    )
    .items(Some(1), None)
}

fn controlled_quantity() -> Field {
    Field::number("controlled_quantity", "控制数量", "Quantity controlled")
        .range(Some(0.0), None)
        .help(
            "查封、下架、召回等控制的产品数量；已全部售出的填0并在案卷说明中写明。",
            "How much product is under control; 0 if all of it was sold, explained in the dossier note.",
        )
}

/// 收到不合格结果通知书: what the inspector records on a reported batch when its notice
/// arrives; the disposal case opened from the batch starts with both.
pub fn open_disposal() -> FormDef {
    FormDef::new(
        "open-disposal",
        "收到不合格结果通知书",
        "Non-conforming result notice received",
    )
    .help(
        "登记通知书编号后即转入核查处置，一样品一案卷。",
        "Record the notice's number; the disposal case opens with it, one case per sample.",
    )
    .field(notice_no().required())
    .field(business_role().help(
        "被抽样单位在供应链中的角色；未明确的，启动核查时补录。",
        "The business's place in the supply chain; record it when disposal starts if it is not known yet.",
    ))
}

/// 不合格结果通知书: a notice from provincial or national sampling, opened by hand.
pub fn nonconforming_notice() -> FormDef {
    FormDef::new(
        "nonconforming-notice",
        "不合格结果通知书",
        "Non-conforming result notice",
    )
    .help(
        "收到不合格结果通知书后立即启动核查处置，90个自然日内办结。",
        "Start disposal as soon as the notice arrives; complete it within 90 natural days.",
    )
    .field(Field::text("sample_no", "样品编号", "Sample number").required())
    .field(Field::text("product", "样品名称", "Product").required())
    .field(Field::text("business_name", "被抽样单位", "Business").required())
    .field(
        Field::text("business_credit_code", "统一社会信用代码", "Credit code")
            .pattern(CREDIT_CODE_PATTERN),
    )
    .field(business_role().required())
    .field(notice_no().required())
    .field(Field::datetime("notice_received_at", "收到通知书时间", "Notice received at").required())
    .field(Field::text("report_no", "检验报告编号", "Report number").required())
    .field(Field::date("report_issued_on", "检验报告出具日期", "Report issued on").required())
    .field(Field::boolean("high_risk", "高风险限时限报", "High-risk, time-limited").required())
    .field(
        Field::boolean(
            "serious_hazard",
            "可能严重危害健康和生命安全",
            "May seriously endanger health or life",
        )
        .required(),
    )
    .field(failed_items())
    .field(Field::user(
        "inspector",
        "核查处置责任人",
        "Inspector in charge",
    ))
}

/// 启动核查处置: what the inspector records when disposal of a non-conforming sample starts.
pub fn start_disposal() -> FormDef {
    FormDef::new("start-disposal", "启动核查处置", "Start disposal")
        .help(
            "收到不合格检验报告后启动核查处置；高风险或可能对身体健康和生命安全造成严重危害的，应在24小时内启动。",
            "Start disposal once the non-conforming report is received; within 24 hours when the item is high-risk or may seriously endanger health.",
        )
        .field(Field::user("inspector", "核查处置责任人", "Inspector in charge").required())
        .field(notice_no().help(
            "由本地抽检批次转来的，收到通知书后补录其编号。",
            "For a case from a local batch, record the notice's number once it arrives.",
        ))
        .field(business_role())
        .field(Field::boolean("high_risk", "高风险限时限报", "High-risk, time-limited").required())
        .field(
            Field::boolean("serious_hazard", "可能严重危害健康和生命安全", "May seriously endanger health or life")
                .required(),
        )
        .field(
            control_measures()
                .visible_when(Condition::equals("serious_hazard", true))
                .required()
                .help("可能严重危害健康的，启动时即采取控制措施。", "Control the product at once when it may seriously endanger health."),
        )
        .field(controlled_quantity())
        .field(note("dossier_note", "案卷说明", "Dossier note"))
}

/// 产品控制: seal, stop sale, recall; at least one measure and the quantity.
pub fn product_control() -> FormDef {
    FormDef::new("product-control", "产品控制", "Product control")
        .help(
            "督促企业采取风险控制措施（查封扣押、停止销售、召回、下架、销毁），记录控制数量。",
            "Have the business control the risk (seal, stop sale, recall, remove, destroy) and record the quantity.",
        )
        .field(control_measures().required())
        .field(controlled_quantity().required())
}

/// 受理异议复检申请.
pub fn objection() -> FormDef {
    FormDef::new(
        "objection",
        "受理异议复检申请",
        "Accept an objection retest",
    )
    .help(
        "受理后核查处置时限暂停计时，复检维持不合格结论后恢复。",
        "The 90-day clock pauses until a retest confirms the result.",
    )
    .field(
        Field::date(
            "objection_received_on",
            "收到复检申请日期",
            "Objection received on",
        )
        .required(),
    )
    .field(Field::text("retest_lab", "复检机构", "Retest laboratory").required())
}

/// 复检结论: confirmed, the risk control stays (asked for here when it was not recorded
/// before the objection); overturned, disposal ends.
pub fn retest_result() -> FormDef {
    let confirmed = || Condition::equals("retest_result", "confirmed");
    FormDef::new("retest-result", "复检结论", "Retest result")
        .field(
            Field::select(
                "retest_result",
                "复检结论",
                "Retest result",
                choices(RETEST_RESULTS),
            )
            .required(),
        )
        .field(Field::date("retest_completed_on", "复检完成日期", "Retest completed on").required())
        .field(control_measures().required().visible_when(confirmed()))
        .field(controlled_quantity().required().visible_when(confirmed()))
}

/// 原因排查.
pub fn cause_investigation() -> FormDef {
    FormDef::new("cause-investigation", "原因排查", "Cause investigation")
        .help(
            "查明不合格原因；原因为\"其他\"的须写明。发现违法行为涉嫌犯罪的，应当依法及时移送公安机关。",
            "Find why the food failed; explain an \"other\" cause. A suspected crime goes to the police.",
        )
        .field(business_role().required())
        .field(Field::select("cause", "原因排查结论", "Cause", choices(CAUSES)).required())
        .field(note("cause_note", "原因说明", "Cause details"))
}

/// 行政处罚.
pub fn administrative_penalty() -> FormDef {
    FormDef::new(
        "administrative-penalty",
        "行政处罚",
        "Administrative penalty",
    )
    .field(
        Field::text(
            "penalty_decision_no",
            "行政处罚决定书编号",
            "Penalty decision",
        )
        .required(),
    )
    .field(
        Field::multi_select(
            "penalty_kinds",
            "处罚种类",
            "Penalties",
            choices(PENALTY_KINDS),
        )
        .required(),
    )
    .field(
        Field::number("penalty_amount", "罚没金额（元）", "Amount (yuan)")
            .unit("元", "yuan")
            .range(Some(0.0), None)
            .visible_when(Condition::one_of(
                "penalty_kinds",
                vec![json!("fine"), json!("confiscation")],
            )),
    )
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

/// 复查.
pub fn reinspection() -> FormDef {
    FormDef::new("reinspection", "复查", "Re-inspection")
        .field(Field::date("reinspected_on", "复查日期", "Re-inspected on").required())
        .field(
            Field::select(
                "reinspection_result",
                "复查结论",
                "Re-inspection result",
                choices(REINSPECTION_RESULTS),
            )
            .required(),
        )
}

/// 同意恢复生产: only the date; the re-inspection result must already be on file.
pub fn production_resumption() -> FormDef {
    FormDef::new("production-resumption", "同意恢复生产", "Production may resume")
        .help(
            "未经复查，或者复查后同种食品仍然被检出问题的，食品生产者不得恢复生产同种食品。",
            "A producer may not resume producing the food without a re-inspection, or when it still fails.",
        )
        .field(
            Field::date("production_resumed_on", "恢复生产日期", "Production resumed on")
                .required(),
        )
}

/// 办结归档: one sample, one form, one dossier.
pub fn closure() -> FormDef {
    FormDef::new("closure", "办结归档", "Close and archive")
        .help(
            "对不合格样品实行\"一样品一表一案卷\"建立档案：核查启动、产品控制、原因排查、行政处罚或移送、复查均须记录在案。",
            "One sample, one form, one dossier: start, product control, cause, penalty or transfer and re-inspection are all on file.",
        )
        .field(note("dossier_note", "案卷说明", "Dossier note").required())
}

/// 公布抽检信息.
pub fn publication() -> FormDef {
    FormDef::new("publication", "公布抽检信息", "Publish the result")
        .help(
            "检验报告出具10个工作日内或完成异议复检工作后依法公布；可能对公共利益产生重大影响的，公布前加强分析研判。",
            "Publish within 10 working days of the report, or of the objection retest; assess the public impact first where it may be serious.",
        )
        .field(Field::date("published_on", "公布日期", "Published on").required())
        .field(
            Field::text("publication_url", "公布网址", "Where published")
                .required()
                .pattern(r"https?://\S+"),
        )
        .field(
            Field::boolean("impact_assessed", "已加强分析研判", "Public impact assessed")
                .required(),
        )
}

/// 核查处置模块填报: the inspector confirms that one step was filed in the national system's
/// disposal module; the workflow records who confirmed it and when.
pub fn system_filing() -> FormDef {
    FormDef::new(
        "system-filing",
        "确认已在国抽系统核查处置模块填报",
        "Confirm filing in the national system",
    )
    .help(
        "核查启动、产品控制、原因排查、行政处罚情况须在\"国家食品安全抽检监测信息系统\"核查处置模块填报；每填报一个环节在此确认一次。",
        "Disposal start, product control, cause investigation and penalty are each filed in the national sampling system's disposal module; confirm each here once filed.",
    )
    .field(
        Field::select(
            "filed_step",
            "已填报的环节",
            "Step filed",
            choices(FILING_STEPS),
        )
        .required(),
    )
}
