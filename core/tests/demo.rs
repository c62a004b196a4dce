//! The demo county: on a fresh database with the shipped workflows and plugins, the
//! demo identity and then the demo cases are seeded; every programme has live cases in
//! nearly every state, some overdue, and seeding again changes nothing.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

use std::collections::{BTreeMap, BTreeSet};

use anjuan::store::entities::cases;
use common::Db;
use common::shipped::shipped_state;
use sea_orm::EntityTrait;

/// The states each (programme, case type) must show, whatever the date the seed runs.
const EXPECTED: &[(&str, &str, &[&str])] = &[
    (
        "sampling-disposal",
        "sampling-plan",
        &["draft", "in-progress", "summarising", "closed"],
    ),
    (
        "sampling-disposal",
        "sampled-batch",
        &[
            "sampled",
            "testing",
            "tested",
            "reported",
            "closed",
            "disposal-opened",
        ],
    ),
    (
        "sampling-disposal",
        "nonconforming-sample",
        &[
            "received",
            "disposal-started",
            "product-control",
            "objection-retest",
            "cause-investigation",
            "penalty",
            "police-transfer",
            "re-inspection",
            "closed",
            "terminated",
        ],
    ),
    (
        "sampling-disposal",
        "publication",
        &["pending", "on-hold", "published", "not-required"],
    ),
    (
        "risk-monitoring",
        "monitoring-plan",
        &["drafting", "filed", "closed"],
    ),
    (
        "risk-monitoring",
        "monitoring-sample",
        &[
            "planned",
            "collected",
            "at-lab",
            "result-received",
            "hazard-verification",
            "hazard-reported",
            "regulator-notified",
            "closed",
        ],
    ),
    (
        "risk-monitoring",
        "follow-up-sample",
        &["planned", "collected", "closed"],
    ),
    (
        "risk-monitoring",
        "disease-case",
        &[
            "reported",
            "under-review",
            "returned",
            "reviewed",
            "cluster-suspected",
            "food-link-reported",
            "closed",
        ],
    ),
    (
        "risk-monitoring",
        "outbreak",
        &[
            "reported",
            "investigating",
            "investigation-complete",
            "report-submitted",
            "closed",
        ],
    ),
    ("risk-monitoring", "periodic-report", &["drafting"]),
    (
        "special-family-care",
        "family",
        &["registered", "active", "closed"],
    ),
    (
        "special-family-care",
        "visit",
        &["planned", "done", "cancelled"],
    ),
    (
        "special-family-care",
        "psych-assessment",
        &["arranged", "intervention", "closed"],
    ),
    (
        "special-family-care",
        "emergency",
        &["reported", "escalated", "acknowledged", "aided", "closed"],
    ),
    (
        "fire-safety-rectification",
        "building",
        &["registered", "retired"],
    ),
    (
        "fire-safety-rectification",
        "rectification",
        &[
            "investigation",
            "rectifying",
            "rectified",
            "acceptance",
            "closed",
        ],
    ),
    (
        "fire-safety-rectification",
        "hazard",
        &[
            "open",
            "rectifying",
            "overdue",
            "listed",
            "rectified",
            "closed",
        ],
    ),
];

/// Cases that must be overdue: (programme, case type, state).
const OVERDUE: &[(&str, &str, &str)] = &[
    ("sampling-disposal", "nonconforming-sample", "received"),
    ("sampling-disposal", "nonconforming-sample", "penalty"),
    ("sampling-disposal", "sampled-batch", "tested"),
    ("risk-monitoring", "monitoring-plan", "drafting"),
    ("special-family-care", "visit", "planned"),
    ("special-family-care", "emergency", "acknowledged"),
    (
        "fire-safety-rectification",
        "rectification",
        "investigation",
    ),
    ("fire-safety-rectification", "hazard", "overdue"),
];

async fn demo_county_has_live_cases_in_every_programme_and_state(kind: Db) {
    seeded_county_is_complete(kind, None).await;
}
on_both!(demo_county_has_live_cases_in_every_programme_and_state);

/// The seed's stories do not depend on the time of day: seeded at 00:30 and at 01:30
/// (yesterday, local time), when "an hour or two ago" is the day before, the county
/// is as complete as at any other hour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_county_seeded_just_after_midnight_is_as_complete() {
    for (h, m) in [(0, 30), (1, 30)] {
        let tz = anjuan::calendar::DEFAULT_TIMEZONE;
        let yesterday =
            chrono::Utc::now().with_timezone(&tz).date_naive() - chrono::Duration::days(1);
        let local = yesterday.and_hms_opt(h, m, 0).unwrap();
        let at = local
            .and_local_timezone(tz)
            .single()
            .unwrap()
            .with_timezone(&chrono::Utc);
        seeded_county_is_complete(Db::Sqlite, Some(at)).await;
    }
}

/// Seed the demo county on a fresh database of `kind`, now or `at`, and check every
/// programme has its cases in every state, some overdue; seeding again adds nothing.
async fn seeded_county_is_complete(kind: Db, at: Option<chrono::DateTime<chrono::Utc>>) {
    // A skipped story is a warning: shown when the test fails.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_max_level(tracing::Level::WARN)
        .try_init();
    let (state, _) = shipped_state(kind).await;
    anjuan::demo::seed_identity(&state.db).await.unwrap();
    let seeded = match at {
        Some(at) => anjuan::demo_cases::seed_cases_as_of(&state, at).await,
        None => anjuan::demo_cases::seed_cases(&state).await,
    }
    .unwrap();
    assert!(seeded >= 40, "a few dozen cases, not {seeded}");
    let rows = cases::Entity::find().all(&state.db).await.unwrap();
    assert_eq!(rows.len(), seeded);
    let mut states: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for c in &rows {
        states
            .entry((&c.programme, &c.case_type))
            .or_default()
            .insert(&c.state);
    }
    let mut missing = Vec::new();
    for (programme, case_type, want) in EXPECTED {
        let have = states
            .get(&(*programme, *case_type))
            .cloned()
            .unwrap_or_default();
        for s in *want {
            if !have.contains(s) {
                missing.push(format!("{programme}/{case_type}: {s}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "states without a demo case: {missing:#?}\nseeded: {states:#?}"
    );
    for (programme, case_type, state) in OVERDUE {
        let overdue = rows.iter().any(|c| {
            c.programme == *programme && c.case_type == *case_type && c.state == *state && c.overdue
        });
        assert!(overdue, "no overdue {programme}/{case_type} in {state}");
    }
    // The navigation's inbox counts are the inbox's own: every case it lists, no other;
    // and the inbox, decided when each case was written (and again by the worker for
    // guards on the clock), is what the engine says now, case by case.
    anjuan::service::worker::sweep(&state, chrono::Utc::now())
        .await
        .unwrap();
    let open: Vec<cases::Model> = cases::Entity::find()
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| !c.closed)
        .collect();
    for user in anjuan::store::identity::users(&state.db).await.unwrap() {
        let caller =
            anjuan::store::identity::load_caller(&state.db, &user.id, anjuan::auth::Via::Token)
                .await
                .unwrap()
                .unwrap();
        let listed = anjuan::http::api::tasks::inbox(&state, &caller, None, 0, 500)
            .await
            .unwrap();
        let mut judged = Vec::new();
        for c in &open {
            let version = anjuan::service::cases::case_version(&state, c).unwrap();
            let snapshot = anjuan::service::cases::snapshot(&state, c).await.unwrap();
            let who = anjuan::service::actor(&caller, &c.programme, &c.org_path);
            let moves_on = anjuan::engine::available_actions(
                &version.def,
                &snapshot,
                &who,
                chrono::Utc::now(),
            )
            .iter()
            .any(|a| a.to != c.state);
            if moves_on {
                judged.push(c.id.clone());
            }
        }
        let mut ids: Vec<String> = listed.iter().map(|c| c.case.id.clone()).collect();
        ids.sort();
        judged.sort();
        assert_eq!(
            ids, judged,
            "{}: the inbox is what the engine says",
            user.username
        );
        let counts = anjuan::service::views::inbox_counts(&state, &caller)
            .await
            .unwrap();
        let overdue = listed.iter().filter(|c| c.overdue).count() as u64;
        assert_eq!(
            (counts.total, counts.overdue),
            (listed.len() as u64, overdue),
            "{}: the navigation counts what the inbox lists",
            user.username
        );
    }
    assert_eq!(
        anjuan::demo_cases::seed_cases(&state).await.unwrap(),
        0,
        "seeding twice adds nothing"
    );
    assert_eq!(
        cases::Entity::find().all(&state.db).await.unwrap().len(),
        seeded
    );
}
