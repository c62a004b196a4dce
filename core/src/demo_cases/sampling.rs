//! 食品安全抽检与核查处置: three years' plans, this year's sampled batches at every
//! stage of the lab's work, and non-conforming samples at every step of disposal.

use serde_json::{Value, json};

use super::{Seed, new_case, step};
use crate::demo::units::{MARKET_BUREAU, MARKET_OFFICE};
use crate::error::Result;

const P: &str = "sampling-disposal";

pub(super) async fn stories(seed: &Seed<'_>) -> Result<()> {
    let plan = seed
        .play("this year's sampling plan", plan(seed, 0, 200))
        .await?;
    seed.play(
        "last year's plan, results being analysed",
        past_plan(seed, 1, true),
    )
    .await?;
    seed.play("the plan of two years ago", past_plan(seed, 2, false))
        .await?;
    let draft = new_case(P, "sampling-plan", MARKET_BUREAU, plan_data(seed.year(1)));
    seed.play(
        "next year's draft plan",
        seed.open("market-lead", seed.at(3, 0), draft),
    )
    .await?;
    let Some(plan) = plan else { return Ok(()) };
    for b in BATCHES {
        seed.play(b.product, batch(seed, &plan, b)).await?;
    }
    super::disposal::stories(seed, &plan).await
}

fn plan_data(year: i32) -> Value {
    let months = [
        (4, 100, 40),
        (5, 100, 35),
        (6, 100, 25),
        (7, 50, 25),
        (8, 50, 25),
        (9, 50, 25),
        (10, 50, 25),
    ];
    let monthly: Vec<Value> = months
        .iter()
        .map(|(m, food, agri)| json!({ "month": format!("{year}-{m:02}"), "food_batches": food, "agri_batches": agri }))
        .collect();
    json!({
        "plan_year": year,
        "total_batches": 700,
        "category_quotas": [
            { "category": "agricultural", "batches": 200 },
            { "category": "catering", "batches": 220 },
            { "category": "city-special", "batches": 280, "salt_batches": 15 },
        ],
        "monthly_quotas": monthly,
        "period_start": format!("{year}-04-01"),
        "period_end": format!("{year}-10-30"),
        "business_formats": ["wholesale-market", "farmers-market", "supermarket", "small-shop",
            "school-canteen", "kindergarten-canteen", "central-kitchen", "group-meal-distributor", "tourist-catering"],
        "labs": [{ "lab_name": "青城华检检测技术有限公司", "tender_ref": format!("QCZB-{year}-017") }],
        "plan_document": format!("files/安县{year}年食品安全抽检工作方案.pdf"),
    })
}

/// A plan of this year (+`offset`), approved; its id.
async fn plan(seed: &Seed<'_>, offset: i32, days_ago: i64) -> Result<String> {
    let req = new_case(
        P,
        "sampling-plan",
        MARKET_BUREAU,
        plan_data(seed.year(offset)),
    );
    let id = seed.open("market-lead", seed.at(days_ago, 0), req).await?;
    seed.act(
        "market-lead",
        seed.at(days_ago - 2, 0),
        &id,
        step("approve-plan", json!({})),
    )
    .await?;
    Ok(id)
}

/// A past year's plan: sampling finished and, unless `analysing`, closed with its
/// results analysis.
async fn past_plan(seed: &Seed<'_>, years_ago: i32, analysing: bool) -> Result<()> {
    let days = i64::from(years_ago) * 365;
    let id = plan(seed, -years_ago, days + 200).await?;
    let finish = step("finish-sampling", json!({}));
    seed.act("market-lead", seed.at(days - 30, 0), &id, finish)
        .await?;
    if analysing {
        return Ok(());
    }
    let summary = json!({ "summary_report": "files/年度抽检结果分析报告.pdf" });
    let close = step("close-plan", summary);
    seed.act("market-lead", seed.at(days - 60, 0), &id, close)
        .await?;
    Ok(())
}

#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Stage {
    Sampled,
    Testing,
    Tested,
    Reported,
    Conforming,
    Disposal,
}

struct Batch {
    product: &'static str,
    category: &'static str,
    business: &'static str,
    format: &'static str,
    credit: u32,
    days_ago: i64,
    stage: Stage,
}

const BATCHES: &[Batch] = &[
    Batch {
        product: "腊肉",
        category: "city-special",
        business: "城关镇刘记腊味店",
        format: "small-workshop",
        credit: 11,
        days_ago: 2,
        stage: Stage::Sampled,
    },
    Batch {
        product: "米粉（湿粉）",
        category: "catering-food",
        business: "东街老王米粉店",
        format: "restaurant",
        credit: 12,
        days_ago: 6,
        stage: Stage::Testing,
    },
    Batch {
        product: "豆腐",
        category: "agricultural",
        business: "城关农贸市场豆制品摊",
        format: "farmers-market",
        credit: 13,
        days_ago: 9,
        stage: Stage::Tested,
    },
    Batch {
        product: "散装白酒",
        category: "city-special",
        business: "河西镇老窖酒坊",
        format: "producer",
        credit: 14,
        days_ago: 12,
        stage: Stage::Reported,
    },
    Batch {
        product: "鲜鸡蛋",
        category: "agricultural",
        business: "好又多超市城关店",
        format: "supermarket",
        credit: 15,
        days_ago: 20,
        stage: Stage::Conforming,
    },
    Batch {
        product: "卤牛肉",
        category: "catering-food",
        business: "安县第一中学食堂",
        format: "school-canteen",
        credit: 16,
        days_ago: 16,
        stage: Stage::Disposal,
    },
    Batch {
        product: "辣椒粉",
        category: "city-special",
        business: "安县香辣坊调味品厂",
        format: "producer",
        credit: 17,
        days_ago: 14,
        stage: Stage::Disposal,
    },
];

/// A unified social credit code, distinct per `n`.
pub(super) fn credit_code(n: u32) -> String {
    format!("92430523MA4Q7R{n:02}XB")
}

async fn batch(seed: &Seed<'_>, plan: &str, b: &Batch) -> Result<()> {
    let record = json!({
        "product": b.product, "category": b.category, "business_name": b.business,
        "business_credit_code": credit_code(b.credit), "business_address": format!("安县城关街道{}号", b.credit * 7),
        "business_format": b.format,
        "samplers": [{ "person": seed.user("sampler")?, "is_regulator": true }, { "person": seed.user("inspector")?, "is_regulator": true }],
        "advance_notice_given": false, "sampled_on": seed.date(b.days_ago), "market_office": MARKET_OFFICE,
    });
    let mut req = new_case(P, "sampled-batch", MARKET_OFFICE, record);
    req.parent = Some(plan.to_owned());
    let id = seed.open("sampler", seed.at(b.days_ago, 0), req).await?;
    if b.stage >= Stage::Testing {
        let receipt = json!({ "lab": "青城华检检测技术有限公司", "received_by_lab_at": seed.stamp(seed.at(b.days_ago - 1, 0)) });
        seed.act(
            "lab",
            seed.at(b.days_ago - 1, 0),
            &id,
            step("receive-sample", receipt),
        )
        .await?;
    }
    if b.stage >= Stage::Tested {
        // The tested batch finished 30 hours ago and is not uploaded: overdue.
        let finished = if b.stage == Stage::Tested {
            seed.at(1, 6)
        } else {
            seed.at(b.days_ago - 5, 0)
        };
        let conforming = b.stage == Stage::Conforming;
        let result = json!({
            "test_completed_at": seed.stamp(finished),
            "result": if conforming { "conforming" } else { "nonconforming" },
            "failed_items": if conforming { json!([]) } else { json!([{ "item": "菌落总数", "measured": "8.6×10⁵ CFU/g", "limit": "≤1.0×10⁵ CFU/g" }]) },
            "rechecked": !conforming, "high_risk": false, "serious_hazard": false,
            "report_no": format!("QCHJ-{}-{:04}", seed.year(0), b.credit * 13), "report_issued_on": seed.date(b.days_ago - 5),
        });
        seed.act("lab", finished, &id, step("record-result", result))
            .await?;
    }
    if b.stage >= Stage::Reported {
        let when = seed.at(b.days_ago - 5, -4);
        let upload = json!({ "uploaded_at": seed.stamp(when) });
        seed.act("lab", when, &id, step("upload-report", upload))
            .await?;
    }
    let last = match b.stage {
        Stage::Conforming => step("close-conforming", json!({})),
        // The notice (不合格结果通知书) arrives; its number goes with the disposal case.
        Stage::Disposal => step(
            "open-disposal",
            json!({ "notice_no": format!("安市监食检不合〔{}〕{}号", seed.year(0), b.credit) }),
        ),
        _ => return Ok(()),
    };
    seed.act("inspector", seed.at(b.days_ago - 6, 0), &id, last)
        .await?;
    Ok(())
}
