//! 高层建筑消防安全专项整治 (fire-safety-rectification, part 1): scope, the two lists,
//! hazards as child cases, stage deadlines.

use std::sync::{Arc, RwLock};

use anjuan::engine::{CheckRequest, CheckResult, PluginChecks, PluginFailure};
use anjuan::error::Error;
use anjuan::service::cases::{self, ActionInput, CreateCase};
use anjuan::state::{AppState, DeriveRequest, Inner, Plugins};
use serde_json::{Value, json};

use super::data::{building, campaign, hazard, two_lists};
use crate::common::Db;
use crate::common::shipped::{Shipped, at, codes, due, has_deadline};

const P: &str = "fire-safety-rectification";

pub async fn new_building(app: &Shipped, data: Value) -> String {
    let b = app
        .create(
            "facility",
            json!({ "programme": P, "case_type": "building", "org_unit": "clinic", "data": data }),
        )
        .await;
    b["id"].as_str().unwrap().to_owned()
}

/// The form of `open-rectification`: the campaign's stage dates.
fn opening(campaign: Value) -> Value {
    json!({ "campaign": campaign })
}

/// A building in scope with its rectification opened for the November 2026 campaign;
/// the rectification's id.
pub async fn rectification(app: &Shipped, data: Value) -> String {
    rectification_for(app, data, campaign()).await
}

/// [`rectification`] with the campaign's stage dates `campaign`: the building is
/// registered, then `open-rectification` records the dates and opens the case.
pub async fn rectification_for(app: &Shipped, data: Value, campaign: Value) -> String {
    let id = new_building(app, data).await;
    app.act(
        "hinspector",
        &id,
        "open-rectification",
        opening(campaign),
        None,
    )
    .await;
    let cases = app.children("hinspector", &id, "rectification").await;
    assert_eq!(cases.len(), 1);
    cases[0]["id"].as_str().unwrap().to_owned()
}

pub async fn hazards(app: &Shipped, rectification: &str) -> Vec<Value> {
    app.children("hinspector", rectification, "hazard").await
}

pub fn hazard_id(cases: &[Value], description: &str) -> String {
    let h = cases
        .iter()
        .find(|h| h["data"]["description"] == description)
        .unwrap();
    h["id"].as_str().unwrap().to_owned()
}

/// 已投入使用的住宅建筑10层及以上或高于27米、公共建筑高于24米: a rectification is opened
/// only for a building in scope; for one out of scope it is refused with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_out_of_scope_cannot_open_a_rectification_case_and_says_why() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let out = new_building(&app, building("职工宿舍楼", "residential", 9, 26.0)).await;
    let (status, body) = app
        .try_act(
            "hinspector",
            &out,
            "open-rectification",
            opening(campaign()),
            None,
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let why = body["violations"].to_string();
    assert!(
        why.contains("27") && why.contains("10"),
        "names the thresholds: {why}"
    );
    assert!(
        app.children("hinspector", &out, "rectification")
            .await
            .is_empty()
    );
    let cases = [
        ("residential", 10, 30.0, true, true),
        ("residential", 9, 27.0, true, false),
        ("residential", 9, 27.5, true, true),
        ("public", 7, 24.0, true, false),
        ("public", 7, 24.5, true, true),
        ("residential", 12, 36.0, false, false),
    ];
    for (n, (use_, floors, height, in_use, in_scope)) in cases.into_iter().enumerate() {
        let mut b = building(&format!("{n}号楼"), use_, floors, height);
        b["in_use"] = json!(in_use);
        let id = new_building(&app, b).await;
        let (status, body) = app
            .try_act(
                "hinspector",
                &id,
                "open-rectification",
                opening(campaign()),
                None,
            )
            .await;
        let want = if in_scope { 200 } else { 422 };
        assert_eq!(
            status, want,
            "{use_} {floors} floors {height} m in use {in_use}: {body}"
        );
    }
    app.stop().await;
}

/// The plugin derives whether a building is in scope, and why, when it is recorded; the
/// scope is the plugin's to say, so a value sent for it is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_scope_is_derived_when_the_building_is_recorded() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let mut record = building("住院大楼", "public", 16, 62.5);
    record["in_scope"] = json!(false);
    let (status, body) = app
        .try_create(
            "facility",
            json!({ "programme": P, "case_type": "building", "org_unit": "clinic", "data": record }),
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["not_in_form".to_owned()]),
        "{body}"
    );
    assert_eq!(body["violations"][0]["field"], "/in_scope");
    assert!(app.list("facility", "case_type=building").await.is_empty());
    let id = new_building(&app, building("住院大楼", "public", 16, 62.5)).await;
    let b = app.case("hinspector", &id).await;
    assert_eq!(b["data"]["in_scope"], true, "{}", b["data"]);
    assert!(
        b["data"]["scope_reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    let (status, body) = app
        .try_act(
            "facility",
            &id,
            "update-building",
            json!({ "in_scope": false }),
            None,
        )
        .await;
    assert_eq!(
        (status, codes(&body)),
        (422, vec!["not_in_form".to_owned()]),
        "{body}"
    );
    let unchanged = app.case("hinspector", &id).await;
    assert_eq!(
        (&unchanged["version"], &unchanged["data"]),
        (&b["version"], &b["data"])
    );
    // Recorded again lower than 24 m, the building falls out of scope, in the same action.
    let lower = app
        .act(
            "facility",
            &id,
            "update-building",
            json!({ "floors": 7, "height_m": 23.5 }),
            None,
        )
        .await;
    assert_eq!(lower["data"]["in_scope"], false, "{}", lower["data"]);
    assert!(
        lower["data"]["scope_reason"]
            .as_str()
            .is_some_and(|r| r.contains("24"))
    );
    app.stop().await;
}

/// The shipped plugins, except that every `derive` fails as a trapping plugin would.
struct FailsToDerive(Arc<dyn Plugins>);

impl PluginChecks for FailsToDerive {
    fn check(&self, r: &CheckRequest<'_>) -> Result<CheckResult, PluginFailure> {
        self.0.check(r)
    }
}

impl Plugins for FailsToDerive {
    fn derived_fields(&self, plugin: &str) -> Vec<String> {
        self.0.derived_fields(plugin)
    }
    fn derive(&self, r: &DeriveRequest<'_>) -> Result<Value, PluginFailure> {
        Err(PluginFailure {
            plugin: format!("{}@0.1.0", r.plugin),
            check: "derive".into(),
            reason: "trap: wasm `unreachable` instruction executed".into(),
            blocking: true,
        })
    }
    fn set_calendar(&self, c: Arc<anjuan::calendar::Calendar>) {
        self.0.set_calendar(c)
    }
    fn form(&self, p: &str, f: &str, l: &str) -> Result<Option<Value>, String> {
        self.0.form(p, f, l)
    }
    fn validate(
        &self,
        p: &str,
        f: &str,
        d: &Value,
    ) -> Result<Vec<anjuan::error::Violation>, String> {
        self.0.validate(p, f, d)
    }
    fn availability(&self, p: &str) -> Result<(), String> {
        self.0.availability(p)
    }
    fn list(&self) -> Vec<Value> {
        self.0.list()
    }
    fn reload(&self) -> Result<(), String> {
        self.0.reload()
    }
}

/// A plugin that fails while deriving refuses the action with an error naming it, like a
/// failing check: the building is neither opened nor changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_failing_to_derive_leaves_the_case_unchanged() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = new_building(&app, building("住院大楼", "public", 16, 62.5)).await;
    let before = app.case("facility", &id).await;
    let s = &app.state;
    let broken = AppState::new(Inner {
        config: s.config.clone(),
        db: s.db.clone(),
        programmes: RwLock::new(s.programmes()),
        calendar: RwLock::new(s.calendar()),
        plugins: Arc::new(FailsToDerive(s.plugins.clone())),
        metrics: s.metrics.clone(),
        writer: s.writer.clone(),
        callers: Default::default(),
        case_locks: Default::default(),
        node: "test".into(),
    });
    let facility = app.caller("facility").await;
    let input = ActionInput {
        data: json!({ "floors": 7, "height_m": 23.5 }),
        ..ActionInput::default()
    };
    let err = cases::act(&broken, &facility, &id, "update-building", input, None)
        .await
        .expect_err("the derivation failed");
    assert!(
        matches!(&err, Error::Plugin(p) if p.check == "derive" && p.plugin.starts_with(P)),
        "{err:?}"
    );
    let after = app.case("facility", &id).await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["data"], before["data"]);
    let count = app.list("facility", "case_type=building").await.len();
    let open = CreateCase {
        programme: P.into(),
        case_type: "building".into(),
        org_unit: Some("clinic".into()),
        data: building("门诊楼", "public", 12, 48.0),
        parent: None,
        assignee: None,
        taken_at: None,
        idempotency_key: None,
        sent: None,
    };
    let err = cases::create(&broken, &facility, open)
        .await
        .expect_err("the derivation failed");
    assert!(matches!(err, Error::Plugin(_)), "{err:?}");
    assert_eq!(
        app.list("facility", "case_type=building").await.len(),
        count
    );
    app.stop().await;
}

/// 两个清单: each row of the hazard list becomes a hazard case carrying its measures,
/// person responsible, funds and deadline; rows added later join as well.
async fn each_hazard_row_becomes_a_child_case(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    let rows = vec![
        hazard(
            "safety-management",
            "疏散楼梯间堆放杂物",
            "2026-12-31",
            false,
            false,
        ),
        hazard(
            "fire-facilities",
            "自动喷水灭火系统末端试水压力不足",
            "2027-06-30",
            true,
            false,
        ),
        hazard(
            "shafts-insulation",
            "电缆井每层未封堵",
            "2027-05-31",
            true,
            true,
        ),
    ];
    let moved = app
        .act("facility", &id, "submit-two-lists", two_lists(rows), None)
        .await;
    assert_eq!(moved["state"], "rectifying");
    let cases = hazards(&app, &id).await;
    assert_eq!(cases.len(), 3);
    let shafts = cases
        .iter()
        .find(|h| h["data"]["category"] == "shafts-insulation")
        .unwrap();
    for (field, value) in [
        ("measures", json!("制定整改方案，落实专人专项资金")),
        ("responsible_person", json!("刘建军")),
        ("funds", json!(3.5)),
        ("rectify_by", json!("2027-05-31")),
    ] {
        assert_eq!(shafts["data"][field], value, "{field}");
    }
    assert!(
        cases
            .iter()
            .all(|h| h["state"] == "open" && has_deadline(h, "rectify-by"))
    );
    assert!(
        app.notifications("hinspector")
            .await
            .iter()
            .any(|n| n["case_id"] == id.as_str())
    );
    let later = json!({ "new_hazards": [hazard("emergency-force", "微型消防站器材不全", "2027-03-31", false, false)] });
    app.act("hinspector", &id, "add-hazards", later, None).await;
    assert_eq!(hazards(&app, &id).await.len(), 4);
    assert_eq!(
        app.case("hinspector", &id).await["data"]["hazards"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    app.stop().await;
}
crate::on_both!(each_hazard_row_becomes_a_child_case);

/// 自查承诺书: the two lists are not accepted without the signed commitment letter, nor
/// with a row lacking its deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_lists_need_the_signed_commitment_letter_and_a_deadline_per_row() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    let row = || {
        hazard(
            "safety-management",
            "疏散楼梯间堆放杂物",
            "2026-12-31",
            false,
            false,
        )
    };
    let mut unsigned = two_lists(vec![row()]);
    unsigned
        .as_object_mut()
        .unwrap()
        .remove("commitment_signed_on");
    let (status, body) = app
        .try_act("facility", &id, "submit-two-lists", unsigned, None)
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["violations"]
            .to_string()
            .contains("commitment_signed_on"),
        "names the letter: {body}"
    );
    let mut no_deadline = row();
    no_deadline.as_object_mut().unwrap().remove("rectify_by");
    let (status, body) = app
        .try_act(
            "facility",
            &id,
            "submit-two-lists",
            two_lists(vec![no_deadline]),
            None,
        )
        .await;
    assert_eq!(status, 422, "{body}");
    app.stop().await;
}

/// Stage deadlines: the two lists by the end of the investigation stage (30 November),
/// key problems by the end of December of the next year, major hazards under listed
/// supervision by the end of June.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stage_deadlines_for_the_lists_key_problems_and_major_hazards() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    let r = app.case("hinspector", &id).await;
    assert_eq!(
        due(&r, "two-lists-submitted"),
        at("2026-11-30T23:59:59+08:00")
    );
    let rows = vec![
        hazard("fire-facilities", "消火栓无水", "2027-03-31", true, false),
        hazard(
            "shafts-insulation",
            "外墙保温层破损",
            "2027-05-31",
            true,
            true,
        ),
    ];
    let r = app
        .act("facility", &id, "submit-two-lists", two_lists(rows), None)
        .await;
    assert_eq!(due(&r, "all-rectified"), at("2028-09-30T23:59:59+08:00"));
    let cases = hazards(&app, &id).await;
    let key = cases
        .iter()
        .find(|h| h["data"]["description"] == "消火栓无水")
        .unwrap();
    assert_eq!(due(key, "rectify-by"), at("2027-03-31T23:59:59+08:00"));
    assert_eq!(
        due(key, "key-problem-stage"),
        at("2027-12-31T23:59:59+08:00")
    );
    assert!(
        !has_deadline(key, "serious-problem-supervised"),
        "not a major hazard"
    );
    let major = cases.iter().find(|h| h["data"]["major"] == true).unwrap();
    assert_eq!(
        due(major, "serious-problem-supervised"),
        at("2027-06-30T23:59:59+08:00")
    );
    app.stop().await;
}

/// 专项整治期间…采取"四不两直"的方式，明查暗访: unannounced inspections run through the
/// whole campaign: one is recorded while the facility is still at its full investigation,
/// before it has submitted the two lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unannounced_inspections_run_throughout_the_campaign() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let r = rectification(&app, building("住院楼", "public", 12, 45.0)).await;
    let inspection = json!({ "last_inspection": { "inspected_on": "2026-11-20",
        "findings": "未组织全面排查，承诺书未签署", "compliant": false, "named_in_notice": true, "points_deducted": 3 } });
    let (status, body) = app
        .try_act("hinspector", &r, "record-inspection", inspection, None)
        .await;
    assert_eq!(status, 200, "during the full investigation: {body}");
    assert_eq!(body["state"], "investigation");
    assert_eq!(body["data"]["last_inspection"]["points_deducted"], 3);
    app.stop().await;
}

/// A building's number (`JZ-{seq:5}`) has no year: the first building of a new year
/// must not be handed the number of the first building of the last.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_without_a_year_do_not_come_round_again_in_january() {
    for kind in [Db::Sqlite, Db::Postgres] {
        let app = Shipped::spawn(kind).await;
        let open = |when: &'static str, name: &'static str| {
            let app = &app;
            async move {
                app.create_at(
                    "facility",
                    at(when),
                    json!({ "programme": P, "case_type": "building", "org_unit": "clinic",
                            "data": building(name, "public", 16, 62.5) }),
                )
                .await
            }
        };
        let december = open("2026-12-31T10:00:00+08:00", "住院大楼").await;
        let january = open("2027-01-02T10:00:00+08:00", "门诊大楼").await;
        assert_ne!(december["number"], january["number"], "{kind:?}");
        assert!(
            january["number"]
                .as_str()
                .is_some_and(|n| n.starts_with("JZ-")),
            "{}",
            january["number"]
        );
    }
}
