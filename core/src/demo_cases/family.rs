//! 暖心行动: five families on the register (one new, one closed), with visits,
//! psychological care given with consent, emergencies at every stage (one escalating
//! because nobody took it up), and the health checks the programme opened itself.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{Seed, new_case, noted, step};
use crate::demo::units::{OTHER_VILLAGE, VILLAGE};
use crate::error::Result;
use crate::store::entities::cases;

const P: &str = "special-family-care";

struct Family {
    head: &'static str,
    id_number: &'static str,
    birth: &'static str,
    phone: &'static str,
    address: &'static str,
    village: &'static str,
    cadre: &'static str,
    days_ago: i64,
}

const FAMILIES: [Family; 5] = [
    Family {
        head: "王秀英",
        id_number: "430523195804121526",
        birth: "1958-04-12",
        phone: "13907310001",
        address: "安县河西镇刘家村三组",
        village: VILLAGE,
        cadre: "village",
        days_ago: 200,
    },
    Family {
        head: "李德福",
        id_number: "430523195511230513",
        birth: "1955-11-23",
        phone: "13907310002",
        address: "安县河西镇刘家村五组",
        village: VILLAGE,
        cadre: "village",
        days_ago: 150,
    },
    Family {
        head: "张桂芝",
        id_number: "430523196107080028",
        birth: "1961-07-08",
        phone: "13907310003",
        address: "安县河西镇王庄村一组",
        village: OTHER_VILLAGE,
        cadre: "village2",
        days_ago: 100,
    },
    Family {
        head: "陈玉兰",
        id_number: "430523196302150045",
        birth: "1963-02-15",
        phone: "13907310004",
        address: "安县河西镇刘家村二组",
        village: VILLAGE,
        cadre: "village",
        days_ago: 5,
    },
    Family {
        head: "赵明山",
        id_number: "430523195009090017",
        birth: "1950-09-09",
        phone: "13907310005",
        address: "安县河西镇刘家村四组",
        village: VILLAGE,
        cadre: "village",
        days_ago: 300,
    },
];

pub(super) async fn stories(seed: &Seed<'_>) -> Result<()> {
    let mut ids = Vec::new();
    for f in &FAMILIES {
        ids.push(seed.play(f.head, register(seed, f)).await?);
    }
    if let Some(Some(id)) = ids.first() {
        seed.play("王秀英: visits", visits(seed, id)).await?;
        seed.play("王秀英: psychological care", psych(seed, id, "village", 4))
            .await?;
        seed.play(
            "王秀英: emergency not taken up",
            emergency(seed, id, "volunteer", (0, 3), 0),
        )
        .await?;
    }
    if let Some(Some(id)) = ids.get(1) {
        seed.play(
            "李德福: emergency closed",
            emergency(seed, id, "volunteer", (40, 0), 3),
        )
        .await?;
        seed.play(
            "李德福: aid overdue",
            emergency(seed, id, "village", (1, 2), 1),
        )
        .await?;
        seed.play("李德福: consent given", psych(seed, id, "village", 2))
            .await?;
        let services = json!({ "family_doctor_signed": true, "green_channel_card": true,
            "insurance": { "accident": true, "comprehensive": true, "nursing_subsidy": true, "policy_no": "PICC-AX-2026-0317" } });
        seed.play(
            "李德福: health services",
            seed.act(
                "association",
                seed.at(120, 0),
                id,
                step("record-health-services", services),
            ),
        )
        .await?;
    }
    if let Some(Some(id)) = ids.get(2) {
        seed.play(
            "张桂芝: aid given",
            emergency(seed, id, "village2", (5, 0), 2),
        )
        .await?;
        seed.play(
            "张桂芝: just reported",
            emergency(seed, id, "village2", (0, 0), 0),
        )
        .await?;
        seed.play("张桂芝: assessment closed", psych(seed, id, "village2", 5))
            .await?;
    }
    if let Some(Some(id)) = ids.get(4) {
        let reason = json!({ "closed_reason": "moved-away" });
        let close = noted("close-record", reason, "随亲属迁居长沙市，已转介当地计生协");
        seed.play(
            "赵明山: record closed",
            seed.act("association", seed.at(20, 0), id, close),
        )
        .await?;
    }
    Ok(())
}

async fn register(seed: &Seed<'_>, f: &Family) -> Result<String> {
    let data = json!({
        "family_kind": "bereaved", "registered_on": seed.date(f.days_ago), "head_name": f.head,
        "id_number": f.id_number, "birth_date": f.birth, "address": f.address, "phone": f.phone,
        "members": [{ "name": "（配偶）", "relation": "配偶", "birth_year": 1957 }],
        "health_status": "高血压，生活能自理", "chronic_conditions": "高血压二级", "needs": "希望有人常来看看",
    });
    let id = seed
        .open(
            "association",
            seed.at(f.days_ago, 0),
            new_case(P, "family", f.village, data),
        )
        .await?;
    if f.days_ago <= 5 {
        return Ok(id); // newly found by screening: contacts not yet assigned
    }
    let contacts = json!({
        "township_contact": seed.user("township")?, "village_contact": seed.user(f.cadre)?,
        // The volunteer is the liaison (联络员) of the first family only; the village
        // cadre is the others' liaison, so she is an outsider to them.
        "liaison": seed.user(if f.head == "王秀英" { "volunteer" } else { f.cadre })?,
        "volunteers": [{ "person": seed.user("volunteer")?, "services": ["companionship", "medical-escort"] }],
        "contact_card_issued": true, "contact_methods": ["home-visit", "phone"],
    });
    seed.act(
        "association",
        seed.at(f.days_ago - 1, 0),
        &id,
        step("assign-contacts", contacts),
    )
    .await?;
    Ok(id)
}

fn visit_plan(seed: &Seed<'_>, kind: &str, planned_in: i64) -> Value {
    json!({ "next_visit": { "kind": kind, "planned_on": seed.date(-planned_in), "method": "home-visit" } })
}

/// A visit done, one planned three days ago and not recorded (overdue), one cancelled.
async fn visits(seed: &Seed<'_>, family: &str) -> Result<()> {
    seed.act(
        "village",
        seed.at(40, 0),
        family,
        step("plan-visit", visit_plan(seed, "regular", -30)),
    )
    .await?;
    seed.act(
        "township",
        seed.at(10, 0),
        family,
        step("plan-visit", visit_plan(seed, "ad-hoc", -3)),
    )
    .await?;
    seed.act(
        "village",
        seed.at(2, 0),
        family,
        step("plan-visit", visit_plan(seed, "regular", 15)),
    )
    .await?;
    let visits = seed.children(family, "visit").await?;
    if let Some(done) = visits.first() {
        let record = json!({
            "visited_on": seed.date(30), "visitors": [{ "person": seed.user("village")? }, { "person": seed.user("volunteer")? }],
            "services": ["spiritual-comfort", "housework", "gifts"], "health_observation": "血压控制尚可",
            "mental_state": "情绪平稳，谈及孩子时落泪", "needs": "冬季取暖", "follow_up_needed": true,
        });
        seed.act(
            "village",
            seed.at(30, 0),
            done,
            step("record-visit", record),
        )
        .await?;
    }
    if let Some(cancelled) = visits.get(2) {
        seed.act(
            "township",
            seed.at(1, 0),
            cancelled,
            noted("cancel", json!({}), "家属接老人去县城小住，改期走访"),
        )
        .await?;
    }
    Ok(())
}

/// Consent recorded by the village cadre `cadre`, then as many of: arrange, assess, start
/// care, close.
async fn psych(seed: &Seed<'_>, family: &str, cadre: &str, steps: usize) -> Result<()> {
    let consent = json!({ "psych_consent": true, "psych_consent_on": seed.date(60), "psych_consent_form": "files/心理评估知情同意书.pdf" });
    seed.act(
        cadre,
        seed.at(60, 0),
        family,
        step("record-psych-consent", consent),
    )
    .await?;
    if steps < 2 {
        return Ok(());
    }
    seed.act(
        "association",
        seed.at(58, 0),
        family,
        step("arrange-psych-assessment", json!({})),
    )
    .await?;
    let Some(id) = seed.children(family, "psych-assessment").await?.pop() else {
        return Ok(());
    };
    if steps < 3 {
        return Ok(());
    }
    let high = steps == 4;
    let result = json!({ "assessor": "安县精神卫生中心", "assessed_on": seed.date(50),
        "result": if high { "中度抑郁，失眠" } else { "情绪基本稳定" }, "risk_level": if high { "medium" } else { "low" },
        "referred": high });
    seed.act(
        "association",
        seed.at(50, 0),
        &id,
        step("record-assessment", result),
    )
    .await?;
    let last = if high {
        step(
            "start-intervention",
            json!({ "intervention_plan": "每两周心理咨询一次，志愿者每周陪伴" }),
        )
    } else {
        step("close", json!({}))
    };
    seed.act("association", seed.at(45, 0), &id, last).await?;
    Ok(())
}

/// An emergency reported by `who` (days, hours) ago; then as many of: take it up (the
/// township leader), record the aid, close.
async fn emergency(
    seed: &Seed<'_>,
    family: &str,
    who: &str,
    ago: (i64, i64),
    steps: usize,
) -> Result<()> {
    let reported = seed.at(ago.0, ago.1);
    let report = json!({ "emergency_report": { "kind": "sudden-illness", "happened_at": seed.stamp(reported - chrono::Duration::minutes(40)), "situation": "突发胸闷气短，独自在家" } });
    seed.act(who, reported, family, step("report-emergency", report))
        .await?;
    let Some(id) = seed.children(family, "emergency").await?.pop() else {
        return Ok(());
    };
    let later = |m: i64| reported + chrono::Duration::minutes(m);
    if steps >= 1 {
        seed.act("township", later(50), &id, step("acknowledge", json!({})))
            .await?;
    }
    if steps >= 2 {
        let aid = json!({ "aid_given": ["medical", "living"], "aid_amount": 1500, "aid_note": "送县人民医院急诊，志愿者陪护三天" });
        seed.act("township", later(600), &id, step("record-aid", aid))
            .await?;
    }
    if steps >= 3 {
        seed.act("township", later(3000), &id, step("close", json!({})))
            .await?;
    }
    Ok(())
}

/// The health checks opened forty days ago: one recorded, one examined, one declined.
pub(super) async fn scheduled_work_since(seed: &Seed<'_>) -> Result<()> {
    let checks = cases::Entity::find()
        .filter(cases::Column::Programme.eq(P))
        .filter(cases::Column::CaseType.eq("health-check"))
        .filter(cases::Column::State.eq("scheduled"))
        .order_by_asc(cases::Column::CreatedAt)
        .all(&seed.state.db)
        .await?;
    for (n, check) in checks.iter().enumerate().take(3) {
        seed.play("health check", health_check(seed, check, n))
            .await?;
    }
    Ok(())
}

/// The first check recorded in the health record, the second examined, the third declined.
async fn health_check(seed: &Seed<'_>, check: &cases::Model, n: usize) -> Result<()> {
    let when = check.created_at + chrono::Duration::days(20);
    if n == 2 {
        let declined = noted("record-declined", json!({}), "本人已在县医院体检，谢绝");
        seed.act("township", when, &check.id, declined).await?;
        return Ok(());
    }
    let exam = json!({ "exam_date": seed.state.calendar().local_date(when).to_string(), "institution": "河西镇卫生院",
        "results": "血压偏高，血糖正常", "abnormal_findings": "收缩压152mmHg" });
    seed.act("township", when, &check.id, step("record-exam", exam))
        .await?;
    if n == 0 {
        let record = json!({ "health_record_updated": true, "follow_up": "家庭医生每月随访血压" });
        seed.act(
            "association",
            when,
            &check.id,
            step("update-health-record", record),
        )
        .await?;
    }
    Ok(())
}
