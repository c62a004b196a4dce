//! 暖心行动 (special-family-care): the family record and its privacy, visits, the
//! yearly health check, psychological care only with consent, emergency assistance.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::data;
use super::sampling::scheduled;
use crate::common::Db;
use crate::common::shipped::{Shipped, at, codes, deadline, due};

const P: &str = "special-family-care";

fn new_family(id_number: &str) -> Value {
    json!({ "programme": P, "case_type": "family", "org_unit": "village-a1", "data": data::family(id_number) })
}

/// A family registered by the association, its two contacts assigned (in care).
pub async fn in_care(app: &Shipped, id_number: &str) -> String {
    let family = app.create("staff", new_family(id_number)).await;
    let id = family["id"].as_str().unwrap().to_owned();
    let active = app
        .act("staff", &id, "assign-contacts", data::contacts(), None)
        .await;
    assert_eq!(active["state"], "active");
    id
}

/// [`in_care`] as of `when` (for the schedules, which look at dates).
async fn in_care_at(app: &Shipped, when: DateTime<Utc>, id_number: &str) -> String {
    let family = app.create_at("staff", when, new_family(id_number)).await;
    let id = family["id"].as_str().unwrap().to_owned();
    app.act_at("staff", when, &id, "assign-contacts", data::contacts())
        .await;
    id
}

const SENSITIVE: [&str; 7] = [
    "head_name",
    "id_number",
    "birth_date",
    "address",
    "phone",
    "members",
    "health_status",
];

/// 注重保护和尊重特殊家庭的隐私: identity, contact and health are masked for everyone but
/// the family's two contacts, its liaison, the association's staff and the programme's
/// administrators: a volunteer who is not the liaison and another cadre of the same
/// village see `***`, in events and search too; every unmasked read is in the access log.
async fn family_sensitive_fields_masked_for_an_outsider_and_shown_to_the_familys_contact(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let id = in_care(&app, "430123195804121526").await;
    for outsider in ["volunteer", "cadre-a1b"] {
        let seen = app.case(outsider, &id).await;
        for field in SENSITIVE {
            assert_eq!(seen["data"][field], "***", "{field} for {outsider}");
        }
        assert_eq!(seen["data"]["family_kind"], "bereaved", "not sensitive");
    }
    for contact in ["cadre-a1", "leader-a", "fc-admin", "staff", "liaison"] {
        let seen = app.case(contact, &id).await;
        assert_eq!(seen["data"]["head_name"], "王秀英", "{contact}");
        assert_eq!(seen["data"]["id_number"], "430123195804121526", "{contact}");
    }
    let (_, events) = app
        .get(&format!("/api/v1/cases/{id}/events"), "volunteer")
        .await;
    assert!(
        !events.to_string().contains("430123195804121526"),
        "events are masked too"
    );
    assert!(!events.to_string().contains("王秀英"));
    assert!(
        app.list("volunteer", "q=王秀英").await.is_empty(),
        "a masked name cannot be searched for"
    );
    let log = anjuan::store::access::list(&app.state.db, Some(&id), 100)
        .await
        .unwrap();
    let readers: Vec<_> = log.iter().map(|l| l.user_id.as_str()).collect();
    for contact in ["cadre-a1", "leader-a", "fc-admin"] {
        assert!(readers.contains(&contact), "{contact} in {readers:?}");
    }
    for outsider in ["volunteer", "cadre-a1b"] {
        assert!(
            !readers.contains(&outsider),
            "{outsider} saw nothing to log"
        );
    }
    let fields = &log.iter().find(|l| l.user_id == "cadre-a1").unwrap().fields;
    assert!(
        fields.contains("id_number"),
        "the log names what was read: {fields}"
    );
    app.stop().await;
}
crate::on_both!(family_sensitive_fields_masked_for_an_outsider_and_shown_to_the_familys_contact);

/// A sensitive field cleared stays masked in its history: after the family's village
/// contact clears `needs`, a volunteer sees `***` for what it held, in the events and on
/// the case page, while the contact sees the old value, and that read is in the access
/// log.
async fn family_sensitive_field_cleared_stays_masked_in_its_history(kind: Db) {
    const NEEDS: &str = "希望协助维修住房";
    let app = Shipped::spawn(kind).await;
    let id = in_care(&app, "430123195804121526").await;
    let events = format!("/api/v1/cases/{id}/events");
    let page = format!("/cases/{id}");
    app.act(
        "cadre-a1",
        &id,
        "update-record",
        json!({ "needs": NEEDS }),
        None,
    )
    .await;
    let cleared = app
        .act(
            "cadre-a1",
            &id,
            "update-record",
            json!({ "needs": null }),
            None,
        )
        .await;
    assert!(cleared["data"]["needs"].is_null(), "{cleared}");
    let needs_cleared = |events: &Value| -> Value {
        let last = events.as_array().and_then(|e| e.last()).cloned();
        let changes = last.map(|e| e["payload"]["changes"].clone());
        changes
            .and_then(|c| c.as_array().cloned())
            .and_then(|c| c.into_iter().find(|c| c["field"] == "needs"))
            .unwrap_or_else(|| panic!("the last event clears needs: {events}"))
    };

    let (status, seen) = app.get(&events, "volunteer").await;
    assert_eq!(status, 200, "{seen}");
    assert!(!seen.to_string().contains(NEEDS), "the volunteer: {seen}");
    let change = needs_cleared(&seen);
    assert_eq!(change["before"], "***", "{change}");
    assert_eq!(change["after"], "***", "{change}");
    let (status, _, html) = app.get_text(&page, "volunteer").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains(NEEDS),
        "the case page's timeline masks it too"
    );

    let (status, seen) = app.get(&events, "cadre-a1").await;
    assert_eq!(status, 200, "{seen}");
    let change = needs_cleared(&seen);
    assert_eq!(change["before"], NEEDS, "{change}");
    assert!(change["after"].is_null(), "{change}");
    let log = anjuan::store::access::list(&app.state.db, Some(&id), 100)
        .await
        .unwrap();
    let last_read = log.iter().find(|l| l.user_id == "cadre-a1").unwrap();
    assert!(
        last_read.fields.split(',').any(|f| f == "needs"),
        "the old value shown in the events is logged: {}",
        last_read.fields
    );
    assert!(
        !log.iter().any(|l| l.user_id == "volunteer"),
        "nothing shown"
    );
    let (_, _, html) = app.get_text(&page, "cadre-a1").await;
    assert!(html.contains(NEEDS), "the contact sees it on the case page");
    app.stop().await;
}
crate::on_both!(family_sensitive_field_cleared_stays_masked_in_its_history);

/// 建档立卡: a family is registered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn family_registered_only_once() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let first = app.create("staff", new_family("430123195804121526")).await;
    let (status, body) = app
        .try_create("leader-a", new_family("430123195804121526"))
        .await;
    assert_eq!(status, 422, "{body}");
    // The refusal tells the caller that this ID number is a registered family: the
    // lookup is a read of that family's identity, and logged as one.
    let log = anjuan::store::access::list(&app.state.db, first["id"].as_str(), 100)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|l| l.user_id == "leader-a" && l.via == "check" && l.fields == "id_number"),
        "{log:?}"
    );
    app.stop().await;
}

/// The duplicate check is not an oracle: a registration refused because the ID number
/// is a family elsewhere in the county says only "ask the association office"; after
/// three such matches in a day every registration by that user is refused the same way,
/// and the programme administrator is told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn family_duplicate_check_is_not_an_id_number_oracle() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let ids = [
        "430123195804121526",
        "430123195511230513",
        "430123196107080028",
    ];
    for id in ids {
        app.create("staff", new_family(id)).await;
    }
    let elsewhere = |id: &str| {
        let mut body = new_family(id);
        body["org_unit"] = json!("village-b1");
        body
    };
    for id in ids {
        let (status, body) = app.try_create("staff-b", elsewhere(id)).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(codes(&body), vec!["ask-association-office"], "{body}");
        let text = body.to_string();
        assert!(
            !text.contains("already") && !text.contains("已建档") && !text.contains(id),
            "the refusal does not say why: {text}"
        );
    }
    let alerts = anjuan::store::notifications::list(&app.state.db, "fc-admin", false, 50)
        .await
        .unwrap();
    let alert = alerts
        .iter()
        .find(|n| n.kind == "probe-alert")
        .expect("the programme administrator is told of repeated matches");
    assert!(alert.message_en.contains("staff-b"), "{}", alert.message_en);
    // Over the limit, a number nobody registered is refused the same way: no oracle.
    let (status, body) = app
        .try_create("staff-b", elsewhere("430123197001010011"))
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["ask-association-office".to_owned()]),
        "{body}"
    );
    // A family in one's own area is no secret: no probe, no limit.
    let (status, _) = app.try_create("staff", new_family(ids[0])).await;
    assert_eq!(status, 422);
    let fresh = app.create("staff", new_family("430123197001010011")).await;
    assert_eq!(fresh["state"], "registered");
    app.stop().await;
}

/// 双岗联系人 (1+1+N): a family is in care only once a township leader and a village
/// cadre are its contacts, with a liaison, assigned by `assign-contacts` and its checks:
/// the contacts cannot be set when the family is registered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn family_in_care_only_with_both_contacts() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let mut record = new_family("430123195804121526");
    record["data"]["township_contact"] = json!("leader-a");
    record["data"]["village_contact"] = json!("cadre-a1");
    let (status, body) = app.try_create("staff", record).await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["not_in_form".to_owned(); 2]),
        "contacts sent with the registration: {body}"
    );
    assert!(app.list("staff", "case_type=family").await.is_empty());
    let family = app.create("staff", new_family("430123195804121526")).await;
    assert_eq!(family["state"], "registered");
    let id = family["id"].as_str().unwrap();
    let mut half = data::contacts();
    half.as_object_mut().unwrap().remove("village_contact");
    let (status, body) = app
        .try_act("staff", id, "assign-contacts", half, None)
        .await;
    assert_eq!(status, 422, "no village cadre: {body}");
    let active = app
        .act("staff", id, "assign-contacts", data::contacts(), None)
        .await;
    assert_eq!(active["state"], "active");
    // A family in care is not a task in itself: its contacts may update the record or
    // plan a visit, but nothing waits to be moved on (the visits are the tasks).
    let (status, tasks) = app.get("/api/v1/tasks", "cadre-a1").await;
    assert_eq!(status, 200);
    assert!(
        !tasks.as_array().unwrap().iter().any(|t| t["id"] == id),
        "{tasks}"
    );
    for (who, told) in [("leader-a", true), ("cadre-a1", true), ("cadre-a1b", false)] {
        let notes = app.notifications(who).await;
        assert_eq!(
            notes.iter().any(|n| n["case_id"] == id),
            told,
            "{who}: only the family's own two contacts hear of it: {notes:?}"
        );
    }
    app.stop().await;
}

/// 按照自愿原则: a psychological assessment is arranged only after consent was recorded
/// by an earlier action; consent sent along with the arrangement is refused as data that
/// action does not take, and leaves the family unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psychological_assessment_only_with_recorded_consent() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = in_care(&app, "430123195804121526").await;
    let (status, body) = app
        .try_act("staff", &id, "arrange-psych-assessment", json!({}), None)
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["guard_false".to_owned()]),
        "{body}"
    );
    let consent = json!({ "psych_consent": true, "psych_consent_on": "2026-11-20", "psych_consent_form": "files/知情同意书.pdf" });
    let before = app.case("fc-admin", &id).await;
    let (status, body) = app
        .try_act(
            "staff",
            &id,
            "arrange-psych-assessment",
            consent.clone(),
            None,
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["not_in_form".to_owned(); 3]),
        "consent sent with it: {body}"
    );
    assert!(
        body["violations"].to_string().contains("/psych_consent"),
        "{body}"
    );
    let after = app.case("fc-admin", &id).await;
    assert_eq!(
        (&after["version"], &after["data"]),
        (&before["version"], &before["data"])
    );
    app.act("cadre-a1", &id, "record-psych-consent", consent, None)
        .await;
    app.act("staff", &id, "arrange-psych-assessment", json!({}), None)
        .await;
    let assessments = app.children("fc-admin", &id, "psych-assessment").await;
    assert_eq!(assessments.len(), 1);
    assert_eq!(assessments[0]["data"]["consent_on"], "2026-11-20");
    assert_eq!(assessments[0]["state"], "arranged");
    let result = json!({ "assessor": "县精神卫生中心", "assessed_on": "2026-11-27", "result": "轻度抑郁", "risk_level": "medium" });
    let assessed = app
        .act(
            "staff",
            assessments[0]["id"].as_str().unwrap(),
            "record-assessment",
            result,
            None,
        )
        .await;
    assert_eq!(assessed["state"], "assessed");
    assert_eq!(
        assessed["data"]["result"], "轻度抑郁",
        "the association's staff record and read assessments"
    );
    assert_eq!(
        app.case("volunteer", assessments[0]["id"].as_str().unwrap())
            .await["data"]["result"],
        "***"
    );
    app.stop().await;
}

/// 紧急救助: the liaison reports at once; if the village or township does not take it up
/// within 2 hours (the county's setting) it escalates to the association and the
/// programme's administrators by itself; taking it up opens a 24-hour clock for the aid.
async fn emergency_assistance_escalates_when_not_taken_up(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let id = in_care(&app, "430123195804121526").await;
    let report = json!({ "emergency_report": { "kind": "sudden-illness", "happened_at": Utc::now().to_rfc3339(), "situation": "户主突发脑梗，独居无人照料" } });
    let before = Utc::now();
    app.act("volunteer", &id, "report-emergency", report, None)
        .await;
    let emergencies = app.children("fc-admin", &id, "emergency").await;
    assert_eq!(emergencies.len(), 1);
    let emergency = emergencies[0]["id"].as_str().unwrap().to_owned();
    // The kind was chosen on the family's form; the emergency's page names it in words.
    let (status, _, page) = app
        .get_text(&format!("/cases/{emergency}"), "fc-admin")
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("突发疾病") && !page.contains(">sudden-illness<"),
        "the emergency's kind is shown by its label"
    );
    let take_up = due(&emergencies[0], "take-up-within-2-hours");
    assert!(
        take_up >= before + Duration::hours(2) - Duration::seconds(1)
            && take_up <= Utc::now() + Duration::hours(2)
    );
    for who in ["cadre-a1", "leader-a"] {
        assert!(
            app.notifications(who)
                .await
                .iter()
                .any(|n| n["case_id"] == id.as_str()),
            "{who} told at once"
        );
    }
    app.sweep(take_up - Duration::minutes(1)).await;
    assert_eq!(app.case("fc-admin", &emergency).await["state"], "reported");
    let sweep = app.sweep(take_up + Duration::seconds(1)).await;
    assert_eq!(sweep.escalated, 1);
    let escalated = app.case("fc-admin", &emergency).await;
    assert_eq!(
        (
            escalated["state"].as_str(),
            escalated["data"]["escalated"].as_bool()
        ),
        (Some("escalated"), Some(true))
    );
    for who in ["staff", "fc-admin"] {
        let told = app.notifications(who).await;
        assert!(
            told.iter().any(|n| n["case_id"] == emergency.as_str()
                && n["message_zh"].as_str().unwrap().contains("升级")),
            "{who}: {told:?}"
        );
    }
    let (_, events) = app
        .get(&format!("/api/v1/cases/{emergency}/events"), "fc-admin")
        .await;
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["actor"].as_str()),
        (Some("escalate"), Some("system"))
    );
    let taken = app
        .act("staff", &emergency, "acknowledge", json!({}), None)
        .await;
    assert_eq!(taken["data"]["acknowledged_by"], "staff");
    assert_eq!(deadline(&taken, "provide-aid")["status"], "running");
    let aid = json!({ "aid_given": ["medical", "living"], "aid_amount": 2000, "aid_note": "送医并安排志愿者陪护" });
    let aided = app
        .act("leader-a", &emergency, "record-aid", aid, None)
        .await;
    assert_eq!(deadline(&aided, "provide-aid")["status"], "met");
    app.stop().await;
}
crate::on_both!(emergency_assistance_escalates_when_not_taken_up);

async fn visits(app: &Shipped, family: &str, kind: &str) -> Vec<Value> {
    let all = app.children("fc-admin", family, "visit").await;
    all.into_iter()
        .filter(|v| v["data"]["kind"] == kind)
        .collect()
}

/// 在春节、中秋节等传统节日期间集中开展走访慰问: one visit per family in care, opened two
/// weeks before the festival (Spring Festival 2026-02-17, Mid-Autumn 2026-09-25); a
/// family not yet in care gets none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holiday_visits_created_before_spring_festival_and_mid_autumn() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = in_care_at(&app, at("2026-01-10T10:00:00+08:00"), "430123195804121526").await;
    let waiting = app
        .create_at(
            "staff",
            at("2026-01-10T10:00:00+08:00"),
            new_family("430123196210083021"),
        )
        .await;
    app.sweep(at("2026-02-02T20:00:00+08:00")).await;
    assert!(
        visits(&app, &family, "spring-festival").await.is_empty(),
        "not yet"
    );
    app.sweep(at("2026-02-03T08:00:00+08:00")).await;
    let spring = visits(&app, &family, "spring-festival").await;
    assert_eq!(spring.len(), 1);
    assert_eq!(
        (
            spring[0]["data"]["due_on"].as_str(),
            spring[0]["data"]["planned_on"].as_str()
        ),
        (Some("2026-02-17"), Some("2026-02-17"))
    );
    assert_eq!(
        due(&spring[0], "holiday-visit"),
        at("2026-02-24T23:59:59+08:00")
    );
    app.sweep(at("2026-09-10T20:00:00+08:00")).await;
    assert!(
        visits(&app, &family, "mid-autumn").await.is_empty(),
        "not yet"
    );
    app.sweep(at("2026-09-11T08:00:00+08:00")).await;
    let autumn = visits(&app, &family, "mid-autumn").await;
    assert_eq!(autumn.len(), 1);
    assert_eq!(autumn[0]["data"]["due_on"], "2026-09-25");
    assert_eq!(
        due(&autumn[0], "holiday-visit"),
        at("2026-09-28T23:59:59+08:00")
    );
    assert!(
        app.case("fc-admin", waiting["id"].as_str().unwrap()).await["children"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

/// 每年一次免费健康体检 (due 30 November, the county's setting) for every family on the
/// register; and 排查摸底 in each township every half year.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yearly_free_health_check_for_every_family_and_screening_twice_a_year() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = in_care_at(&app, at("2026-09-01T10:00:00+08:00"), "430123195804121526").await;
    app.sweep(at("2026-10-01T08:00:00+08:00")).await;
    let checks = app.children("fc-admin", &family, "health-check").await;
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0]["data"]["due_on"], "2026-11-30");
    let id = checks[0]["id"].as_str().unwrap();
    let exam = json!({ "exam_date": "2026-10-20", "institution": "桃源镇卫生院", "results": "血压偏高", "abnormal_findings": "收缩压158mmHg" });
    app.act("cadre-a1", id, "record-exam", exam, None).await;
    let record = json!({ "health_record_updated": true, "follow_up": "家庭医生每月随访血压" });
    assert_eq!(
        app.act("staff", id, "update-health-record", record, None)
            .await["state"],
        "recorded"
    );
    app.sweep(at("2026-12-01T08:00:00+08:00")).await;
    let screenings = scheduled(&app, "fc-admin", P, "screening").await;
    let mut units: Vec<_> = screenings
        .iter()
        .map(|s| s["org_unit"].as_str().unwrap().to_owned())
        .collect();
    units.sort();
    assert_eq!(units, ["town-a", "town-b"]);
    assert!(
        screenings
            .iter()
            .all(|s| s["data"]["due_on"] == "2026-12-31")
    );
    app.stop().await;
}

/// 走访慰问 as child cases: the visit's observations are read by the family's contacts
/// (named on the family), not by a volunteer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_are_child_cases_read_by_the_familys_contacts() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = in_care(&app, "430123195804121526").await;
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    let plan =
        json!({ "next_visit": { "kind": "regular", "planned_on": today, "method": "home-visit" } });
    app.act("cadre-a1", &family, "plan-visit", plan, None).await;
    let planned = visits(&app, &family, "regular").await;
    assert_eq!(planned.len(), 1);
    assert_eq!(
        due(&planned[0], "planned-visit"),
        at(&format!("{today}T23:59:59+08:00"))
    );
    let id = planned[0]["id"].as_str().unwrap();
    let record = json!({
        "visited_on": today, "visitors": [{ "person": "cadre-a1" }, { "person": "volunteer" }],
        "services": ["spiritual-comfort", "housework"], "health_observation": "血压控制尚可",
        "mental_state": "情绪低落，思念子女", "needs": "希望安装紧急呼叫器", "follow_up_needed": true,
    });
    assert_eq!(
        app.act("volunteer", id, "record-visit", record, None).await["state"],
        "done"
    );
    assert_eq!(
        app.case("volunteer", id).await["data"]["mental_state"],
        "***"
    );
    assert_eq!(
        app.case("cadre-a1", id).await["data"]["mental_state"],
        "情绪低落，思念子女"
    );
    app.stop().await;
}

/// 在春节、中秋节等传统节日期间…走访慰问: a festival visit is due during the festival
/// period, not on the festival day. The period is the festival's days off (放假) in the
/// State Council notice: Spring Festival 2026 is 17 February, off 15 to 23 February, so
/// the visit is due by the end of the first working day after, 24 February; a sweep on
/// 20 February finds nothing overdue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn festival_visits_are_due_during_the_festival_period() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = in_care_at(&app, at("2026-01-10T10:00:00+08:00"), "430123195804121526").await;
    app.sweep(at("2026-02-03T08:00:00+08:00")).await;
    let spring = visits(&app, &family, "spring-festival").await;
    assert_eq!(spring.len(), 1);
    let id = spring[0]["id"].as_str().unwrap();
    app.sweep(at("2026-02-20T10:00:00+08:00")).await;
    assert_eq!(
        app.case("fc-admin", id).await["overdue"],
        false,
        "still the festival period"
    );
    app.sweep(at("2026-02-25T00:00:01+08:00")).await;
    assert_eq!(app.case("fc-admin", id).await["overdue"], true);
    app.stop().await;
}

/// 各级计生协会工作人员要深入计划生育特殊家庭，定期或不定期的进行走访: the association's
/// staff plan and record regular and ad hoc visits and read what the visit recorded; so
/// does the family's liaison (联络员); a volunteer who is not the liaison does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn association_staff_plan_record_and_read_visits_as_does_the_liaison() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = in_care(&app, "430123195804121526").await;
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    for kind in ["regular", "ad-hoc"] {
        let plan =
            json!({ "next_visit": { "kind": kind, "planned_on": today, "method": "home-visit" } });
        app.act("staff", &family, "plan-visit", plan, None).await;
        let planned = visits(&app, &family, kind).await;
        assert_eq!(planned.len(), 1, "{kind}");
        let id = planned[0]["id"].as_str().unwrap();
        let record = json!({
            "visited_on": today, "visitors": [{ "person": "staff" }],
            "services": ["spiritual-comfort"], "health_observation": "血压控制尚可",
            "mental_state": "情绪平稳", "needs": "无", "follow_up_needed": false,
        });
        assert_eq!(
            app.act("staff", id, "record-visit", record, None).await["state"],
            "done"
        );
        for reader in ["staff", "liaison"] {
            assert_eq!(
                app.case(reader, id).await["data"]["mental_state"],
                "情绪平稳",
                "{reader}"
            );
        }
        assert_eq!(
            app.case("volunteer", id).await["data"]["mental_state"],
            "***"
        );
    }
    app.stop().await;
}

/// 由村医或社区卫生服务人员提供定期上门巡诊…了解目前精神状况; 将…心理健康服务全部纳入
/// "家庭医生"签约内容，建立…心理健康档案: the village doctor plans and records home rounds
/// and reads what they found; the family's record says whether psychological care is in
/// its family-doctor contract and keeps the psychological record's number, masked for
/// others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn village_doctor_rounds_and_psychological_care_in_the_family_doctor_contract() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = in_care(&app, "430123195804121526").await;
    let today = app.state.calendar().local_date(Utc::now()).to_string();
    let plan = json!({ "next_visit": { "kind": "doctor-round", "planned_on": today, "method": "home-visit" } });
    app.act("doctor-a1", &family, "plan-visit", plan, None)
        .await;
    let rounds = visits(&app, &family, "doctor-round").await;
    assert_eq!(rounds.len(), 1);
    let id = rounds[0]["id"].as_str().unwrap();
    assert!(due(&rounds[0], "planned-visit") > at("2026-01-01T00:00:00+08:00"));
    let record = json!({
        "visited_on": today, "visitors": [{ "person": "doctor-a1" }],
        "services": ["spiritual-comfort"], "health_observation": "血压148/92，嘱按时服药",
        "mental_state": "睡眠差，情绪低落", "needs": "希望有人定期陪伴", "follow_up_needed": true,
    });
    app.act("doctor-a1", id, "record-visit", record, None).await;
    assert_eq!(
        app.case("doctor-a1", id).await["data"]["mental_state"],
        "睡眠差，情绪低落"
    );
    let services = json!({
        "family_doctor_signed": true, "green_channel_card": true, "health_record_no": "QH-JK-2026-0311",
        "psych_in_contract": true, "psych_record_no": "QH-XL-2026-0311",
        "insurance": { "accident": true, "comprehensive": true, "nursing_subsidy": true, "policy_no": "PICC-2026-88" },
    });
    let recorded = app
        .act(
            "doctor-a1",
            &family,
            "record-health-services",
            services,
            None,
        )
        .await;
    assert_eq!(recorded["data"]["psych_in_contract"], true);
    assert_eq!(recorded["data"]["psych_record_no"], "QH-XL-2026-0311");
    assert_eq!(
        app.case("volunteer", &family).await["data"]["psych_record_no"],
        "***"
    );
    app.stop().await;
}

/// 对新增人员给予及时慰藉: a family newly registered gets its contacts, and with them a first
/// contact, within 7 days (the county's setting for "及时"); past that the association and
/// the township are told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newly_registered_family_is_contacted_within_7_days() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let family = app
        .create_at(
            "staff",
            at("2026-03-15T10:00:00+08:00"),
            new_family("430123195804121526"),
        )
        .await;
    let id = family["id"].as_str().unwrap();
    assert_eq!(
        due(&family, "first-contact"),
        at("2026-03-22T10:00:00+08:00")
    );
    app.sweep(at("2026-03-22T10:00:01+08:00")).await;
    assert_eq!(app.case("fc-admin", id).await["overdue"], true);
    assert!(
        app.notifications("leader-a")
            .await
            .iter()
            .any(|n| n["kind"] == "overdue" && n["case_id"] == id)
    );
    let met = app
        .act_at(
            "staff",
            at("2026-03-23T09:00:00+08:00"),
            id,
            "assign-contacts",
            data::contacts(),
        )
        .await;
    assert_eq!(deadline(&met, "first-contact")["status"], "late");
    app.stop().await;
}
