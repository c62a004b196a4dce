//! 高层建筑消防安全专项整治: the county people's hospital's buildings, one out of scope
//! and one out of use, rectifications at every stage, and the hazards of the main ward
//! building at every step from open to closed (one past its deadline).

use serde_json::{Value, json};

use super::{Seed, new_case, noted, step};
use crate::demo::units::HOSPITAL;
use crate::error::Result;

const P: &str = "fire-safety-rectification";

/// Where a building's rectification got to.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Registered only (out of scope).
    Registered,
    Retired,
    Investigation,
    Rectifying,
    Rectified,
    Acceptance,
    Closed,
}

struct Building {
    name: &'static str,
    use_: &'static str,
    floors: u32,
    height: f64,
    stage: Stage,
}

const BUILDINGS: [Building; 7] = [
    Building {
        name: "住院综合楼",
        use_: "public",
        floors: 18,
        height: 68.5,
        stage: Stage::Rectifying,
    },
    Building {
        name: "门诊医技楼",
        use_: "public",
        floors: 12,
        height: 49.8,
        stage: Stage::Investigation,
    },
    Building {
        name: "职工宿舍楼",
        use_: "residential",
        floors: 9,
        height: 26.4,
        stage: Stage::Registered,
    },
    Building {
        name: "老住院楼",
        use_: "public",
        floors: 11,
        height: 36.0,
        stage: Stage::Retired,
    },
    Building {
        name: "急救中心楼",
        use_: "public",
        floors: 10,
        height: 40.2,
        stage: Stage::Closed,
    },
    Building {
        name: "行政办公楼",
        use_: "public",
        floors: 9,
        height: 33.0,
        stage: Stage::Acceptance,
    },
    Building {
        name: "感染性疾病科楼",
        use_: "public",
        floors: 8,
        height: 28.5,
        stage: Stage::Rectified,
    },
];

pub(super) async fn stories(seed: &Seed<'_>) -> Result<()> {
    for b in &BUILDINGS {
        seed.play(b.name, building(seed, b)).await?;
    }
    Ok(())
}

/// The stage dates, recorded when the rectification is opened: a campaign under way, or
/// one whose acceptance stage has opened.
fn campaign(seed: &Seed<'_>, stage: Stage) -> Value {
    let (inv, serious, key, all, opens, ends) = match stage {
        Stage::Closed | Stage::Acceptance => (300, 250, 200, 100, 60, -30),
        Stage::Investigation => (5, -200, -380, -640, -650, -740),
        _ => (65, -200, -380, -640, -650, -740),
    };
    json!({
        "investigation_due_on": seed.date(inv), "serious_problems_due_on": seed.date(serious),
        "key_problems_due_on": seed.date(key), "all_due_on": seed.date(all),
        "acceptance_opens_on": seed.date(opens), "acceptance_due_on": seed.date(ends),
    })
}

async fn building(seed: &Seed<'_>, b: &Building) -> Result<()> {
    let data = json!({
        "name": b.name, "address": "安县城关街道人民路88号", "facility": HOSPITAL,
        "property_unit": "安县人民医院", "user_unit": "安县人民医院", "building_use": b.use_,
        "floors": b.floors, "height_m": b.height, "in_use": true, "fire_control_room": b.floors >= 10,
        "micro_fire_station": true, "safety_responsible": "林国栋（院长）", "safety_manager": "林涛（后勤保卫科科长）",
    });
    let past = matches!(b.stage, Stage::Closed | Stage::Acceptance);
    let registered = seed.at(if past { 320 } else { 90 }, 0);
    let id = seed
        .open(
            "facility",
            registered,
            new_case(P, "building", HOSPITAL, data),
        )
        .await?;
    match b.stage {
        Stage::Registered => return Ok(()),
        Stage::Retired => {
            let retire = noted("retire", json!({}), "已停止使用，待拆除");
            seed.act("fire-lead", registered, &id, retire).await?;
            return Ok(());
        }
        _ => {}
    }
    let opened = registered + chrono::Duration::days(2);
    seed.act(
        "fire-inspector",
        opened,
        &id,
        step(
            "open-rectification",
            json!({ "campaign": campaign(seed, b.stage) }),
        ),
    )
    .await?;
    let Some(r) = seed.children(&id, "rectification").await?.pop() else {
        return Ok(());
    };
    let manager = seed.user("facility")?;
    let letter = |hazards: Vec<Value>| {
        json!({ "commitment_letter": "files/消防安全自查承诺书.pdf", "commitment_signed_on": seed.date(if past { 305 } else { 72 }),
            "commitment_signed_by": "林国栋", "responsible_person": manager.clone(),
            "no_hazards": hazards.is_empty(), "hazards": hazards })
    };
    match b.stage {
        Stage::Investigation => Ok(()),
        Stage::Rectifying => {
            seed.act(
                "facility",
                seed.at(70, 0),
                &r,
                step("submit-two-lists", letter(hazards(seed))),
            )
            .await?;
            ward_hazards(seed, &r).await?;
            let inspection = json!({ "last_inspection": { "inspected_on": seed.date(20), "findings": "三楼疏散通道堆放病床，消防控制室一人值班",
                "compliant": false, "named_in_notice": true, "points_deducted": 5 } });
            seed.act(
                "fire-inspector",
                seed.at(20, 0),
                &r,
                step("record-inspection", inspection),
            )
            .await?;
            Ok(())
        }
        _ => {
            let submitted = seed.at(if past { 295 } else { 70 }, 0);
            seed.act(
                "facility",
                submitted,
                &r,
                step("submit-two-lists", letter(Vec::new())),
            )
            .await?;
            seed.act(
                "facility",
                submitted + chrono::Duration::days(10),
                &r,
                step("declare-rectified", json!({})),
            )
            .await?;
            if b.stage == Stage::Rectified {
                return Ok(());
            }
            let summary =
                json!({ "summary_report": "files/高层建筑消防安全专项整治工作总结.docx" });
            seed.act(
                "facility",
                seed.at(if b.stage == Stage::Closed { 55 } else { 10 }, 0),
                &r,
                step("request-acceptance", summary),
            )
            .await?;
            if b.stage == Stage::Closed {
                let accepted = json!({ "accepted_on": seed.date(50), "acceptance_opinion": "隐患全部整改销号，同意通过验收" });
                seed.act(
                    "fire-inspector",
                    seed.at(50, 0),
                    &r,
                    step("accept", accepted),
                )
                .await?;
            }
            Ok(())
        }
    }
}

/// The two lists of the main ward building: (category, hazard, deadline in days, key, major).
const WARD: [(&str, &str, i64, bool, bool); 6] = [
    (
        "safety-management",
        "三楼疏散通道堆放病床杂物",
        100,
        false,
        false,
    ),
    (
        "fire-facilities",
        "自动喷水灭火系统末端试水压力不足",
        60,
        true,
        false,
    ),
    (
        "emergency-force",
        "微型消防站器材配备不全",
        -10,
        false,
        false,
    ),
    (
        "shafts-insulation",
        "外墙保温层大面积破损，电缆井每层未封堵",
        150,
        true,
        true,
    ),
    ("other", "配电间私拉乱接电线", 40, false, false),
    ("safety-management", "电动车在楼道内充电", 30, false, false),
];

fn hazards(seed: &Seed<'_>) -> Vec<Value> {
    WARD.iter()
        .map(|(category, description, days, key, major)| {
            json!({
                "category": category, "description": description, "location": "住院综合楼",
                "measures": "制定整改方案，明确专人，落实专项资金", "responsible_unit": "后勤保卫科",
                "responsible_person": "林涛", "funds": if *major { 86.0 } else { 2.5 },
                "rectify_by": seed.date(-days), "key_problem": key, "major": major,
            })
        })
        .collect()
}

/// The ward's hazards, in list order: open, being rectified, (overdue by the sweep),
/// under listed supervision, rectified awaiting verification, closed.
async fn ward_hazards(seed: &Seed<'_>, rectification: &str) -> Result<()> {
    // Rows spawned by one action share a moment: find each by its description.
    let children = crate::store::cases::children(&seed.state.db, rectification).await?;
    let ids: Vec<Option<String>> = WARD
        .iter()
        .map(|(_, description, ..)| {
            let row = children.iter().find(|c| {
                let data = crate::service::cases::parse(&c.data);
                data.get("description").and_then(Value::as_str) == Some(*description)
            })?;
            Some(row.id.clone())
        })
        .collect();
    let progress = json!({ "progress_note": "已采购材料，分区施工" });
    let evidence = json!({ "rectified_on": seed.date(5), "evidence": "files/整改前后对比照片.zip", "progress_note": "已整改完毕" });
    if let Some(Some(h)) = ids.get(1) {
        seed.act(
            "facility",
            seed.at(40, 0),
            h,
            step("start-rectification", progress),
        )
        .await?;
    }
    if let Some(Some(h)) = ids.get(3) {
        let listing = json!({ "listed_supervision": { "listed_on": seed.date(35), "plan": "分区拆除更换A级保温材料，逐层封堵电缆井",
            "responsibility": "院长负总责，后勤保卫科具体实施", "measures": "施工期间划定警戒区，增加巡查",
            "funds": 86.0, "temporary_safeguards": "增设室外消火栓，夜间专人巡查" } });
        seed.act(
            "fire-lead",
            seed.at(35, 0),
            h,
            step("list-for-supervision", listing),
        )
        .await?;
    }
    for n in [4, 5] {
        if let Some(Some(h)) = ids.get(n) {
            seed.act(
                "facility",
                seed.at(5, 0),
                h,
                step("submit-rectification", evidence.clone()),
            )
            .await?;
        }
    }
    if let Some(Some(h)) = ids.get(5) {
        seed.act(
            "fire-inspector",
            seed.at(3, 0),
            h,
            step("verify-rectification", json!({})),
        )
        .await?;
    }
    Ok(())
}
