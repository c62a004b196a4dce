//! 不合格食品核查处置: ten non-conforming samples, each opened from a batch the lab
//! reported, at every step of disposal: one high-risk notice not started in 24 hours,
//! one past its 90 days, objection retests confirmed and overturned, publication.

use chrono::Duration;
use serde_json::json;

use super::sampling::credit_code;
use super::{Seed, Step, new_case, noted, step};
use crate::demo::units::MARKET_OFFICE;
use crate::error::{Error, Result};

const P: &str = "sampling-disposal";

pub(super) async fn stories(seed: &Seed<'_>, plan: &str) -> Result<()> {
    for (n, d) in DISPOSALS.iter().enumerate() {
        seed.play(d.product, disposal(seed, plan, n, d)).await?;
    }
    Ok(())
}

/// How far a non-conforming sample's disposal has gone.
#[derive(Clone, Copy, PartialEq)]
enum Reached {
    Received,
    Started,
    Controlled,
    Objection,
    Cause,
    Penalty,
    Police,
    Reinspected,
    Closed,
    Terminated,
}

struct Disposal {
    product: &'static str,
    business: &'static str,
    role: &'static str,
    days_ago: i64,
    high_risk: bool,
    reached: Reached,
}

const DISPOSALS: &[Disposal] = &[
    Disposal {
        product: "冷冻带鱼",
        business: "城关水产批发部",
        role: "distributor",
        days_ago: 1,
        high_risk: true,
        reached: Reached::Received,
    },
    Disposal {
        product: "鲜湿米粉",
        business: "东街米粉加工坊",
        role: "producer",
        days_ago: 3,
        high_risk: false,
        reached: Reached::Started,
    },
    Disposal {
        product: "豆芽",
        business: "城关农贸市场蔬菜摊",
        role: "agricultural-seller",
        days_ago: 10,
        high_risk: false,
        reached: Reached::Controlled,
    },
    Disposal {
        product: "酱香型白酒",
        business: "河西镇老窖酒坊",
        role: "producer",
        days_ago: 20,
        high_risk: false,
        reached: Reached::Objection,
    },
    Disposal {
        product: "油条",
        business: "西街早餐店",
        role: "caterer",
        days_ago: 25,
        high_risk: false,
        reached: Reached::Cause,
    },
    Disposal {
        product: "腊肠",
        business: "安县湘味腊制品厂",
        role: "producer",
        days_ago: 95,
        high_risk: false,
        reached: Reached::Penalty,
    },
    Disposal {
        product: "牛肉干",
        business: "山坪乡土特产加工厂",
        role: "producer",
        days_ago: 40,
        high_risk: true,
        reached: Reached::Police,
    },
    Disposal {
        product: "辣条",
        business: "安县麻辣王食品厂",
        role: "producer",
        days_ago: 60,
        high_risk: false,
        reached: Reached::Reinspected,
    },
    Disposal {
        product: "桶装饮用水",
        business: "安县清泉水厂",
        role: "producer",
        days_ago: 80,
        high_risk: false,
        reached: Reached::Closed,
    },
    Disposal {
        product: "茶油",
        business: "山坪乡古法油坊",
        role: "producer",
        days_ago: 30,
        high_risk: false,
        reached: Reached::Terminated,
    },
];

/// A batch the lab found non-conforming, whose notice reached the office at `received`;
/// the disposal case it opened.
async fn noticed(seed: &Seed<'_>, plan: &str, n: usize, d: &Disposal) -> Result<String> {
    let received = seed.at(d.days_ago, 6);
    let sampled = received - Duration::days(12);
    let credit = 50 + u32::try_from(n).unwrap_or(0);
    let record = json!({
        "product": d.product, "category": "city-special", "business_name": d.business,
        "business_credit_code": credit_code(credit), "business_address": format!("安县河西镇工业园{}号", credit),
        "business_format": if d.role == "producer" { "producer" } else { "farmers-market" },
        "samplers": [{ "person": seed.user("sampler")?, "is_regulator": true }, { "person": seed.user("inspector")?, "is_regulator": true }],
        "advance_notice_given": false, "sampled_on": seed.day_of(sampled), "market_office": MARKET_OFFICE,
    });
    let mut req = new_case(P, "sampled-batch", MARKET_OFFICE, record);
    req.parent = Some(plan.to_owned());
    let batch = seed.open("sampler", sampled, req).await?;
    let arrived = sampled + Duration::days(1);
    let receipt =
        json!({ "lab": "青城华检检测技术有限公司", "received_by_lab_at": seed.stamp(arrived) });
    seed.act("lab", arrived, &batch, step("receive-sample", receipt))
        .await?;
    let finished = received - Duration::hours(26);
    let result = json!({
        "test_completed_at": seed.stamp(finished), "result": "nonconforming",
        "failed_items": [{ "item": "苯甲酸及其钠盐（以苯甲酸计）", "measured": "1.26 g/kg", "limit": "≤1.0 g/kg" }],
        "rechecked": true, "high_risk": d.high_risk, "serious_hazard": false,
        "report_no": format!("QCHJ-{}-{:04}", seed.year(0), 3000 + credit), "report_issued_on": seed.day_of(finished),
    });
    seed.act("lab", finished, &batch, step("record-result", result))
        .await?;
    let uploaded = finished + Duration::hours(2);
    seed.act(
        "lab",
        uploaded,
        &batch,
        step(
            "upload-report",
            json!({ "uploaded_at": seed.stamp(uploaded) }),
        ),
    )
    .await?;
    seed.act(
        "inspector",
        received,
        &batch,
        step(
            "open-disposal",
            json!({ "notice_no": format!("安市监食检不合〔{}〕{}号", seed.year(0), credit), "business_role": d.role }),
        ),
    )
    .await?;
    let cases = seed.children(&batch, "nonconforming-sample").await?;
    cases
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("the disposal case of {}", d.product)))
}

async fn disposal(seed: &Seed<'_>, plan: &str, n: usize, d: &Disposal) -> Result<()> {
    let received = seed.at(d.days_ago, 6);
    let id = noticed(seed, plan, n, d).await?;
    seed.walk(&id, received, path(seed, d)?).await?;
    let publication = seed.children(&id, "publication").await?;
    let Some(publication) = publication.first() else {
        return Ok(());
    };
    let (who, last) = match d.reached {
        Reached::Objection => ("market-lead", step("hold-for-objection", json!({}))),
        Reached::Closed => (
            "market-lead",
            step(
                "publish",
                json!({ "published_on": "@day", "publication_url": "https://www.anxian.gov.cn/amr/cjxx", "impact_assessed": true }),
            ),
        ),
        Reached::Terminated => (
            "market-lead",
            noted("mark-not-required", json!({}), "复检合格，不予公布"),
        ),
        _ => return Ok(()),
    };
    if d.reached == Reached::Closed {
        // 首检负责制: the laboratory checks what is to be published first.
        seed.act(
            "lab",
            seed.at(0, 3),
            publication,
            step("confirm-accuracy", json!({})),
        )
        .await?;
    }
    seed.act(who, seed.at(0, 2), publication, last).await?;
    Ok(())
}

/// The inspector confirms `step` as filed in the national system's disposal module.
fn filed(step_id: &str) -> (&'static str, Step) {
    (
        "inspector",
        step("confirm-system-filing", json!({ "filed_step": step_id })),
    )
}

/// The steps a disposal took to reach where it is.
fn path(seed: &Seed<'_>, d: &Disposal) -> Result<Vec<(&'static str, Step)>> {
    use Reached::*;
    let inspector = seed.user("inspector")?;
    let mut steps = Vec::new();
    if d.reached == Received {
        return Ok(steps);
    }
    let start =
        json!({ "inspector": inspector, "business_role": d.role, "controlled_quantity": 60 });
    steps.push(("inspector", step("start-disposal", start)));
    steps.push(filed("disposal-started"));
    if d.reached == Terminated {
        steps.push(("inspector", step("accept-objection", json!({ "objection_received_on": "@day", "retest_lab": "湖南省食品质量监督检验研究院" }))));
        steps.push((
            "market-lead",
            noted(
                "retest-overturned",
                json!({ "retest_result": "overturned", "retest_completed_on": "@day" }),
                "复检结论为合格，终止核查处置",
            ),
        ));
        return Ok(steps);
    }
    if d.reached == Started {
        return Ok(steps);
    }
    steps.push(("inspector", step("record-product-control", json!({ "control_measures": ["seal", "stop-sale", "recall"], "controlled_quantity": 60 }))));
    steps.push(filed("product-control"));
    match d.reached {
        Controlled => return Ok(steps),
        Objection => {
            steps.push(("inspector", step("accept-objection", json!({ "objection_received_on": "@day", "retest_lab": "湖南省食品质量监督检验研究院" }))));
            return Ok(steps);
        }
        _ => {}
    }
    steps.push(("inspector", step("record-cause-investigation", json!({ "cause": "additive-misuse", "cause_note": "超范围使用防腐剂，进货查验记录不全" }))));
    steps.push(filed("cause-investigation"));
    if d.reached == Cause {
        return Ok(steps);
    }
    if d.reached == Police {
        let transfer = json!({ "police_transfer": { "transferred_on": "@day", "police_unit": "安县公安局食药环侦大队", "letter_no": format!("安市监移〔{}〕2号", seed.year(0)) } });
        steps.push((
            "market-lead",
            noted(
                "transfer-to-police",
                transfer,
                "涉嫌生产、销售不符合安全标准的食品罪",
            ),
        ));
        return Ok(steps);
    }
    steps.push(("inspector", step("record-penalty", json!({ "penalty_decision_no": format!("安市监罚〔{}〕{}号", seed.year(0), d.days_ago), "penalty_kinds": ["warning", "fine"], "penalty_amount": 20000 }))));
    steps.push(filed("penalty"));
    if d.reached == Penalty {
        return Ok(steps);
    }
    steps.push((
        "inspector",
        step(
            "record-reinspection",
            json!({ "reinspected_on": "@day", "reinspection_result": "passed" }),
        ),
    ));
    steps.push((
        "inspector",
        step(
            "mark-production-resumed",
            json!({ "production_resumed_on": "@day" }),
        ),
    ));
    if d.reached == Closed {
        steps.push((
            "market-lead",
            step(
                "close",
                json!({ "dossier_note": "一样品一表一案卷，材料齐全" }),
            ),
        ));
    }
    Ok(steps)
}
