//! Periodic reports (监测报告) and quality-control tasks (质量控制).

use super::choices;
use anjuan_plugin_sdk::{Condition, Field, FormDef};

/// Report kinds and their titles.
pub const REPORT_KINDS: &[(&str, &str, &str)] = &[
    (
        "monthly-cluster",
        "上月疑似聚集性病例分析",
        "Monthly suspected-cluster analysis",
    ),
    (
        "quarterly-samples",
        "上季度样品监测汇总分析",
        "Quarterly sample summary",
    ),
    (
        "quarterly-disease",
        "上季度食源性疾病汇总分析",
        "Quarterly disease summary",
    ),
    (
        "half-year-summary",
        "上半年工作总结与分析",
        "Half-year summary",
    ),
    ("annual-summary", "全年工作总结与分析", "Annual summary"),
    (
        "annual-sample-results",
        "全年监测结果分析报告和工作总结",
        "Annual sample results",
    ),
    (
        "annual-disease-results",
        "全年食源性疾病监测结果和工作总结",
        "Annual disease results",
    ),
    ("ad-hoc", "专项报告", "Ad-hoc report"),
];

/// Recipients and their titles.
pub const RECIPIENTS: &[(&str, &str, &str)] = &[
    ("city-cdc", "市疾控中心", "City CDC"),
    (
        "county-health-commission",
        "县卫生健康委",
        "County health commission",
    ),
    (
        "upper-cdc-copy",
        "抄送上级疾控中心",
        "Copy to the upper CDC",
    ),
];

/// 监测报告: used to open an ad-hoc report and to submit any report.
pub fn periodic_report() -> FormDef {
    FormDef::new("periodic-report", "监测报告", "Monitoring report")
        .field(Field::select("report_kind", "报告类型", "Report", choices(REPORT_KINDS)).required())
        .field(Field::text("period", "报告期", "Period").required())
        .field(Field::text("covers", "报告所涉期间", "Covers"))
        .field(Field::date("due_on", "报送期限", "Due on"))
        .field(
            Field::multi_select("recipients", "报送对象", "Sent to", choices(RECIPIENTS))
                .required(),
        )
        .field(Field::file("report_file", "报告", "Report").help(
            "报送时必须附报告。",
            "The report must be attached to submit.",
        ))
        .field(Field::date("submitted_on", "报送日期", "Submitted on"))
}

/// 质量控制任务: quarterly on-site supervision of the sentinel hospitals, or the yearly
/// outbreak-investigation training.
pub fn quality_task() -> FormDef {
    let kinds = [
        (
            "on-site-supervision",
            "监测医院现场督导",
            "On-site supervision",
        ),
        (
            "outbreak-training",
            "暴发流行病学调查培训",
            "Outbreak-investigation training",
        ),
    ];
    let supervision = Condition::equals("task_kind", "on-site-supervision");
    let training = Condition::equals("task_kind", "outbreak-training");
    let row = vec![
        Field::org_unit("hospital", "监测医院", "Hospital").required(),
        Field::date("supervised_on", "督导日期", "Date").required(),
        Field::long_text("findings", "发现问题", "Findings").required(),
    ];
    FormDef::new("quality-task", "质量控制任务", "Quality-control task")
        .help(
            "现场督导每个季度开展1次；暴发流行病学调查培训每年开展，培训时间不少于2个工作日。",
            "On-site supervision once a quarter; outbreak-investigation training once a year, lasting at least two working days.",
        )
        .field(Field::select("task_kind", "任务", "Task", choices(&kinds)).required())
        .field(Field::text("period", "期间", "Period"))
        .field(
            Field::group("hospitals_supervised", "督导的监测医院", "Hospitals supervised", row)
                .required()
                .items(Some(1), None)
                .visible_when(supervision),
        )
        .field(
            Field::date("training_first_day", "培训开始日期", "Training from")
                .required()
                .visible_when(training.clone()),
        )
        .field(
            Field::date("training_last_day", "培训结束日期", "Training to")
                .required()
                .visible_when(training.clone()),
        )
        .field(
            Field::integer("participants", "参训人数", "Participants")
                .unit("人", "people")
                .range(Some(1.0), None)
                .required()
                .visible_when(training),
        )
        .field(Field::file("record_file", "记录材料", "Records").required())
}
