//! 食品安全风险监测: the county plans, monitoring samples from planning to enlarged
//! sampling, sentinel-hospital case reports at every step of review, outbreaks, and the
//! periodic reports the county has sent so far.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{Seed, Step, child, new_case, noted, step};
use crate::demo::units::{COUNTY, HOSPITAL};
use crate::error::Result;
use crate::store::entities::cases;

const P: &str = "risk-monitoring";

pub(super) async fn stories(seed: &Seed<'_>) -> Result<()> {
    let this_year = seed
        .play("this year's monitoring plan", plan(seed, 0, 240, true))
        .await?;
    if let Some(this_year) = &this_year {
        for (n, reached) in SAMPLES.iter().enumerate() {
            seed.play("monitoring sample", sample(seed, this_year, n, *reached))
                .await?;
        }
    }
    seed.play("next year's plan, not yet filed", plan(seed, 1, 35, false))
        .await?;
    seed.play("last year's plan, closed", closed_plan(seed))
        .await?;
    for (n, reached) in CASES.iter().enumerate() {
        seed.play("foodborne-disease case", disease_case(seed, n, *reached))
            .await?;
    }
    for (n, reached) in OUTBREAKS.iter().enumerate() {
        seed.play("outbreak", outbreak(seed, n, *reached)).await?;
    }
    Ok(())
}

fn task(kind: &str, category: &str, city_task: u32, local: u32) -> Value {
    json!({
        "monitoring_kind": kind, "food_category": category, "city_task": city_task, "planned": city_task,
        "local_planned": local, "sampling_points": "城关街道农贸市场、河西镇集贸市场、山坪乡超市",
        "sampling_months": ["04", "06", "09"],
    })
}

/// A county plan for this year (+`offset`), the city's issued `days_ago`.
async fn plan(seed: &Seed<'_>, offset: i32, days_ago: i64, file: bool) -> Result<String> {
    let year = seed.year(offset);
    let data = json!({
        "plan_year": year, "city_plan_no": format!("青卫〔{year}〕33号"), "city_plan_issued_on": seed.date(days_ago),
        "sample_tasks": [
            task("chemical", "蔬菜", 4, 3), task("chemical", "水果", 4, 3), task("chemical", "畜禽肉", 4, 3),
            task("chemical", "水产品", 3, 2), task("chemical", "粮食及制品", 3, 2),
            task("microbial", "餐饮食品", 9, 6), task("microbial", "乳制品", 9, 6), task("microbial", "熟肉制品", 9, 6),
            task("local-specialty", "腊肉", 4, 4),
        ],
        "areas_covered": 3, "areas_total": 3, "plan_document": format!("files/安县{year}年食品安全风险监测方案.pdf"),
    });
    let id = seed
        .open(
            "health",
            seed.at(days_ago - 5, 0),
            new_case(P, "monitoring-plan", COUNTY, data),
        )
        .await?;
    if file {
        let filing = json!({ "filed_on": seed.date(days_ago - 20) });
        seed.act(
            "health",
            seed.at(days_ago - 20, 0),
            &id,
            step("file-plan", filing),
        )
        .await?;
    }
    Ok(id)
}

async fn closed_plan(seed: &Seed<'_>) -> Result<String> {
    let id = plan(seed, -1, 600, true).await?;
    seed.act(
        "health",
        seed.at(340, 0),
        &id,
        step("close-year", json!({})),
    )
    .await?;
    Ok(id)
}

/// Where each demo sample got to: the number of steps of [`sample_steps`] taken.
const SAMPLES: [usize; 8] = [0, 1, 2, 3, 4, 5, 7, 9];
const FOODS: [(&str, &str, &str); 8] = [
    ("蔬菜", "小白菜", "城关街道农贸市场"),
    ("水果", "砂糖橘", "河西镇集贸市场"),
    ("畜禽肉", "腊肉", "山坪乡刘记腊味店"),
    ("水产品", "鲫鱼", "城关街道农贸市场"),
    ("熟肉制品", "卤猪耳", "西街熟食店"),
    ("乳制品", "巴氏杀菌乳", "好又多超市城关店"),
    ("餐饮食品", "凉拌木耳", "河西镇农家乐"),
    ("粮食及制品", "鲜湿米粉", "东街米粉加工坊"),
];

async fn sample(seed: &Seed<'_>, plan: &str, n: usize, reached: usize) -> Result<()> {
    let (category, food, point) = FOODS[n % FOODS.len()];
    let data = json!({
        "monitoring_kind": if n % 3 == 2 { "microbial" } else { "chemical" }, "food_category": category,
        "food_name": food, "brand": "散装", "producer": point, "locally_produced": n % 4 != 3,
        "sampling_point": point, "sampling_area": COUNTY,
    });
    let days = 70 - i64::try_from(n).unwrap_or(0) * 6;
    let start = seed.at(days, 0);
    let id = seed
        .open("cdc", start, child(P, "monitoring-sample", plan, data))
        .await?;
    let clean = n == 7;
    let times = seed.times(start, reached.min(if clean { 4 } else { 10 }));
    let steps = sample_steps(seed, food, point, start, &times, clean);
    seed.walk_at(&id, &times, steps).await?;
    // Enlarged sampling: one follow-up sampled, one with its result in, each after the
    // step of the sample that opened it (which may have been only hours ago).
    let follow_ups = seed.children(&id, "follow-up-sample").await?;
    for (i, f) in follow_ups.iter().enumerate().take(2) {
        let opened = crate::store::cases::get(&seed.state.db, f)
            .await?
            .map_or(start, |c| c.created_at);
        let times = seed.times(opened, 2);
        let (Some(&collected_at), Some(&result_at)) = (times.first(), times.get(1)) else {
            continue;
        };
        let collected = json!({ "collected_count": 2 + i });
        seed.act("cdc", collected_at, f, step("record-collection", collected))
            .await?;
        if i == 1 {
            let result = json!({ "hazard_confirmed": true, "result_note": "扩大采样2份中1份亚硝酸盐超过参考值" });
            seed.act("cdc", result_at, f, step("record-result", result))
                .await?;
        }
    }
    Ok(())
}

/// The steps of a sample from its record on; each date is the day of its own step.
fn sample_steps(
    seed: &Seed<'_>,
    food: &str,
    point: &str,
    start: DateTime<Utc>,
    times: &[DateTime<Utc>],
    clean: bool,
) -> Vec<(&'static str, Step)> {
    let day = |i: usize| {
        times
            .get(i)
            .map_or_else(|| seed.date(0), |t| seed.day_of(*t))
    };
    let record = json!({ "sampling_record": {
        "sampled_at": seed.stamp(start + chrono::Duration::hours(2)), "place_kind": "distribution", "business_name": point,
        "batch_no": seed.day_of(start).replace('-', ""), "produced_on": seed.day_of(start - chrono::Duration::days(3)),
        "quantity": "3份（每份500g）", "packaging": "bulk", "storage": "冷藏", "samplers": "李建华、陈晓红",
    } });
    let result = json!({
        "result_received_on": day(2),
        "result_items": [{ "item": if clean { "菌落总数" } else { "亚硝酸盐" }, "value": if clean { 1200.0 } else { 48.0 }, "unit": if clean { "CFU/g" } else { "mg/kg" }, "reference": if clean { "≤10⁵" } else { "≤30" } }],
        "hazard_found": !clean,
    });
    let mut steps = vec![
        ("cdc", step("record-collection", record)),
        (
            "cdc",
            step(
                "send-to-lab",
                json!({ "sent_to_lab_on": day(1), "lab": "安县疾控中心理化检验科" }),
            ),
        ),
        ("cdc", step("record-result", result)),
    ];
    if clean {
        steps.push(("cdc", step("close-no-hazard", json!({}))));
        return steps;
    }
    let rows = json!([
        { "food_name": food, "brand": "散装", "sampling_point": "城关街道农贸市场", "count": 3 },
        { "food_name": food, "brand": "散装", "sampling_point": "河西镇集贸市场", "count": 2 },
        { "food_name": food, "brand": "散装", "sampling_point": "山坪乡超市", "count": 2 },
    ]);
    steps.extend([
        ("cdc", step("flag-hazard", json!({}))),
        (
            "cdc",
            step(
                "report-hazard",
                json!({ "hazard_description": format!("{food}亚硝酸盐残留超过参考值"), "verified_on": day(4) }),
            ),
        ),
        (
            "health",
            step(
                "notify-regulator",
                json!({ "regulator_notified_on": day(5) }),
            ),
        ),
        (
            "cdc",
            step("expand-sampling", json!({ "expansion_plan": rows })),
        ),
        (
            "health",
            noted(
                "report-to-government",
                json!({}),
                "已报告县人民政府和市卫生健康委：监测发现腌腊制品亚硝酸盐残留超过参考值。",
            ),
        ),
        (
            "market-lead",
            noted(
                "record-regulator-feedback",
                json!({}),
                "已对涉事经营户开展监督抽检并责令下架，调查处置情况通报县卫生健康委。",
            ),
        ),
        ("cdc", step("close", json!({}))),
    ]);
    steps
}

/// How many review steps each demo disease case went through.
const CASES: [usize; 7] = [0, 1, 2, 3, 5, 6, 7];
const PATIENTS: [(&str, &str, &str); 7] = [
    ("赵桂兰", "female", "感染性腹泻（疑似椰毒假单胞菌食物中毒）"),
    ("钱志强", "male", "急性胃肠炎"),
    ("孙秀梅", "female", "细菌性食物中毒（副溶血性弧菌）"),
    ("李国华", "male", "急性胃肠炎（诺如病毒感染）"),
    ("周小燕", "female", "沙门氏菌感染"),
    ("吴德明", "male", "亚硝酸盐中毒"),
    ("郑丽娟", "female", "感染性腹泻"),
];

async fn disease_case(seed: &Seed<'_>, n: usize, reached: usize) -> Result<()> {
    let (name, sex, diagnosis) = PATIENTS[n % PATIENTS.len()];
    let days = 30 - i64::try_from(n).unwrap_or(0) * 4;
    let report = json!({
        "reporter": seed.user("hospital")?, "hospital": HOSPITAL, "patient_name": name,
        "id_number": format!("43052319{:02}0{}1{}2{:03}", 60 + n, 1 + n % 9, n % 3, 100 + n), "phone": format!("1390731{:04}", 1000 + n),
        "address": "安县河西镇刘家村", "sex": sex, "age": 30 + n * 6,
        "onset_at": seed.stamp(seed.at(days + 1, 0)), "visited_at": seed.stamp(seed.at(days, 4)),
        "symptoms": ["diarrhoea", "abdominal-pain", "vomiting"],
        "exposure_history": [{ "food": "凉拌木耳", "place": "农村家宴", "eaten_at": seed.stamp(seed.at(days + 1, 8)), "others_ill": n.is_multiple_of(2) }],
        "diagnosis": diagnosis, "specimen_collected": true, "specimen_kind": "stool",
    });
    let id = seed
        .open(
            "hospital",
            seed.at(days, 2),
            new_case(P, "disease-case", HOSPITAL, report),
        )
        .await?;
    let typing = json!({ "pathogen": "副溶血性弧菌", "isolate_id": format!("AX{}-VP-{:03}", seed.year(0), n), "typing_method": "wgs", "typing_pattern": "ST-3", "cluster_id": "AX-C01" });
    let all = [
        ("cdc", step("accept-report", json!({}))),
        if n == 2 {
            (
                "cdc",
                noted("return-report", json!({}), "饮食暴露史缺少进食时间，请补正"),
            )
        } else {
            (
                "cdc",
                step(
                    "complete-review",
                    json!({ "food_business_related": n >= 5 }),
                ),
            )
        },
        ("cdc", step("record-typing", typing)),
        ("cdc", step("flag-cluster", json!({}))),
        // The health commission verifies the report before it tells the regulator.
        ("health", step("verify-report", json!({}))),
        (
            "health",
            step(
                "report-food-link",
                json!({ "regulator_notified_on": "@day" }),
            ),
        ),
        ("cdc", step("close", json!({}))),
    ];
    let steps: Vec<_> = match reached {
        3 => all.into_iter().take(2).collect(),
        5 => all.into_iter().take(4).collect(),
        6 => all.into_iter().take(6).collect(),
        7 => all
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != 3)
            .map(|(_, s)| s)
            .collect(),
        r => all.into_iter().take(r).collect(),
    };
    seed.walk(&id, seed.at(days, 2), steps).await
}

/// How many of its steps each demo outbreak has taken: reported, then under
/// investigation (verified and started), complete, report submitted, closed.
const OUTBREAKS: [usize; 5] = [0, 2, 3, 4, 5];

async fn outbreak(seed: &Seed<'_>, n: usize, reached: usize) -> Result<()> {
    let (name, place, setting) = [
        ("刘家村婚宴聚集性腹泻", "河西镇刘家村", "rural-banquet"),
        (
            "城关一小学生食堂呕吐腹泻",
            "城关街道第一小学",
            "school-canteen",
        ),
        ("西街饭店就餐者食物中毒", "城关街道西街", "restaurant"),
        ("山坪乡家庭误食毒蘑菇", "山坪乡下坪村", "household"),
        (
            "东街社区宴席聚集性呕吐",
            "城关街道东街社区",
            "rural-banquet",
        ),
    ][n % 5];
    let days = 60 - i64::try_from(n).unwrap_or(0) * 12;
    let data = json!({
        "event_name": name, "reported_at": seed.stamp(seed.at(days, 0)), "place": place, "setting": setting,
        "cases_count": 6 + n * 5, "hospitalised": 1 + n, "deaths": 0,
    });
    let start = seed.at(days, 0);
    let id = seed
        .open("cdc", start, new_case(P, "outbreak", COUNTY, data))
        .await?;
    let times = seed.times(start, reached);
    let day = |i: usize| {
        times
            .get(i)
            .map_or_else(|| seed.date(0), |t| seed.day_of(*t))
    };
    let attribution = json!({ "food": "凉拌菜", "pathogen": "副溶血性弧菌", "contributing_factors": ["cross-contamination"], "confidence": "probable" });
    // The health commission closes it, having told the regulator of a food-business link.
    let related = setting != "household";
    let closure = if related {
        json!({ "food_business_related": true, "regulator_notified_on": day(4) })
    } else {
        json!({ "food_business_related": false })
    };
    let steps = vec![
        // 接到报告后，应当及时进行信息核实, then the CDC investigates on its commission.
        ("health", step("verify-report", json!({}))),
        (
            "cdc",
            step(
                "start-investigation",
                json!({ "commissioned_by_health_admin": true, "online_start_reported_on": day(1) }),
            ),
        ),
        (
            "cdc",
            step(
                "complete-investigation",
                json!({ "attribution": attribution, "food_business_related": related, "online_completion_reported_on": day(2) }),
            ),
        ),
        (
            "cdc",
            step(
                "submit-report",
                json!({ "investigation_report": "files/流行病学调查报告.pdf" }),
            ),
        ),
        ("health", step("close", closure)),
    ];
    seed.walk_at(&id, &times, steps.into_iter().take(reached).collect())
        .await
}

/// The periodic reports the forty-days-ago sweep opened: all but the newest sent on time.
pub(super) async fn reports_since(seed: &Seed<'_>) -> Result<()> {
    let drafts = cases::Entity::find()
        .filter(cases::Column::Programme.eq(P))
        .filter(cases::Column::CaseType.eq("periodic-report"))
        .filter(cases::Column::State.eq("drafting"))
        .order_by_asc(cases::Column::CreatedAt)
        .all(&seed.state.db)
        .await?;
    let keep = drafts.len().saturating_sub(1);
    for report in drafts.into_iter().take(keep) {
        let when = report.created_at + chrono::Duration::days(2);
        let sent = json!({ "report_file": format!("files/监测报告-{}.docx", report.number), "submitted_on": seed.state.calendar().local_date(when).to_string() });
        let story = seed.act("cdc", when, &report.id, step("submit", sent));
        seed.play("periodic report", story).await?;
    }
    Ok(())
}
