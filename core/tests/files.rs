//! Files for `file` form fields on the real server, on SQLite and on PostgreSQL: the
//! upload and its download headers, who may download before and after a file is
//! attached, the size limit, and the references an action or a new case makes (a bad
//! one refused naming its field, a good one attached in the same transaction and
//! listed on the case page); a sensitive file kept as private as its field, the limits
//! of a multipart form, and the sweep of uploads nobody attached.
//!
//! The county monitoring plan of risk-monitoring carries the file: `plan_document`,
//! optional when the plan is opened, required when it is filed with the city.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test that cannot go on should panic

mod common;

#[allow(dead_code)]
#[path = "programmes/data.rs"]
mod data;

use common::Db;
use common::shipped::Shipped;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const P: &str = "risk-monitoring";

/// Upload `bytes` named `name` as `who`: the status and the answer.
async fn upload(app: &Shipped, who: &str, name: &str, kind: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(kind)
        .unwrap();
    let r = app
        .client
        .post(format!("{}/api/v1/files", app.url))
        .bearer_auth(common::token(who))
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// An upload that must succeed; its id.
async fn uploaded(app: &Shipped, who: &str, name: &str) -> String {
    let (status, body) = upload(app, who, name, "application/pdf", b"%PDF-1.4 plan".to_vec()).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn download(app: &Shipped, who: &str, id: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/api/v1/files/{id}", app.url))
        .bearer_auth(common::token(who))
        .send()
        .await
        .unwrap()
}

fn plan(document: Option<&str>) -> Value {
    let mut data = data::monitoring_plan(data::city_tasks());
    match document {
        Some(id) => data["plan_document"] = json!(id),
        None => {
            data.as_object_mut().unwrap().remove("plan_document");
        }
    }
    json!({ "programme": P, "case_type": "monitoring-plan", "org_unit": "county", "data": data })
}

fn violation_fields(body: &Value) -> Vec<(String, String)> {
    body["violations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["field"].as_str().unwrap_or_default().to_owned(),
                v["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The uploader reads an unattached file with the headers a download needs; nobody
/// else may read it.
async fn an_upload_is_its_uploaders_until_attached(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let (status, file) = upload(
        &app,
        "health",
        "县级监测方案.pdf",
        "application/pdf",
        b"%PDF-1.4 plan".to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{file}");
    assert_eq!(file["name"], "县级监测方案.pdf");
    assert_eq!(file["media_type"], "application/pdf");
    assert_eq!(file["size"], 13);
    assert_eq!(file["sha256"].as_str().unwrap().len(), 64);
    assert!(file["case_id"].is_null());
    let id = file["id"].as_str().unwrap();

    let r = download(&app, "health", id).await;
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E5%8E%BF"),
        "the Chinese name survives: {disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 plan");

    let r = download(&app, "cdc", id).await;
    assert_eq!(
        r.status(),
        404,
        "another user may not read an unattached upload, nor learn that it exists"
    );
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = download(&app, "health", "0190-no-such-file").await;
    assert_eq!(r.status(), 404);
    let doc: Value = app
        .client
        .get(format!("{}/api/openapi.json", app.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/files"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/files/{id}"]["get"].is_object());
    app.stop().await;
}
on_both!(an_upload_is_its_uploaders_until_attached);

/// Larger than `--max-upload-mib` (20 MiB by default) is a 413 problem, and nothing is
/// stored.
async fn an_upload_past_the_limit_is_413(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let limit = app.state.config.max_upload_bytes as usize;
    let (status, body) = upload(
        &app,
        "health",
        "big.pdf",
        "application/pdf",
        vec![b'x'; limit + 1],
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["type"], "/problems/too-large");
    assert!(
        body["detail"].as_str().unwrap().contains("20 MiB"),
        "{body}"
    );
    let (status, _) = upload(
        &app,
        "health",
        "ok.pdf",
        "application/pdf",
        vec![b'x'; 1024],
    )
    .await;
    assert_eq!(status, 201, "the server still takes uploads afterwards");
    app.stop().await;
}
on_both!(an_upload_past_the_limit_is_413);

/// A new case naming a file that does not exist, or someone else's upload, is refused
/// with a violation naming the field; its own upload is attached with the case, and
/// then whoever may read the case may download it, while an outsider may not.
async fn a_new_case_attaches_its_own_upload_only(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let (status, body) = app
        .try_create("health", plan(Some("0190f0f0-0000-7000-8000-000000000000")))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        violation_fields(&body),
        [("/plan_document".to_owned(), "file-not-found".to_owned())]
    );

    let cdcs = uploaded(&app, "cdc", "cdc.pdf").await;
    let (status, body) = app.try_create("health", plan(Some(&cdcs))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        violation_fields(&body),
        [("/plan_document".to_owned(), "file-not-yours".to_owned())]
    );

    let own = uploaded(&app, "health", "方案.pdf").await;
    let case = app.create("health", plan(Some(&own))).await;
    let case_id = case["id"].as_str().unwrap();
    assert_eq!(case["data"]["plan_document"], own.as_str());
    let stored = anjuan::store::files::meta(&app.state.db, &own)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.case_id.as_deref(), Some(case_id));

    assert_eq!(
        download(&app, "cdc", &own).await.status(),
        200,
        "a reader of the case"
    );
    assert_eq!(
        download(&app, "inspector", &own).await.status(),
        404,
        "someone who cannot read the case, as for a file that does not exist"
    );
    let (status, body) = app.try_create("cdc", plan(Some(&own))).await;
    assert_eq!(
        status, 422,
        "a file attached to one case cannot be named by another"
    );
    assert_eq!(violation_fields(&body)[0].1, "file-taken");
    app.stop().await;
}
on_both!(a_new_case_attaches_its_own_upload_only);

/// An action attaches the file its form names, in the action's transaction; a refused
/// action leaves the upload unattached. The case page and the dossier list it.
async fn an_action_attaches_its_file_and_the_case_page_lists_it(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let case = app.create("health", plan(None)).await;
    let id = case["id"].as_str().unwrap();

    let (status, body) = app
        .try_act(
            "health",
            id,
            "file-plan",
            json!({ "plan_document": "files-that-never-were", "filed_on": "2026-03-20" }),
            None,
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        violation_fields(&body),
        [("/plan_document".to_owned(), "file-not-found".to_owned())]
    );

    let letter = uploaded(&app, "health", "备案材料.pdf").await;
    let filed = app
        .act(
            "health",
            id,
            "file-plan",
            json!({ "plan_document": letter, "filed_on": "2026-03-20" }),
            None,
        )
        .await;
    assert_eq!(filed["state"], "filed");
    let attached = anjuan::store::files::of_case(&app.state.db, id)
        .await
        .unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].id, letter);

    let (status, _, page) = app.get_text(&format!("/cases/{id}"), "health").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("备案材料.pdf"),
        "the case page names the file"
    );
    assert!(
        page.contains(&format!("href=\"/api/v1/files/{letter}\"")),
        "and links to it"
    );
    let (status, _, dossier) = app
        .get_text(&format!("/cases/{id}/dossier"), "health")
        .await;
    assert_eq!(status, 200);
    assert!(
        dossier.contains("备案材料.pdf"),
        "the dossier lists the file"
    );
    app.stop().await;
}
on_both!(an_action_attaches_its_file_and_the_case_page_lists_it);

/// The web form posts as multipart: the chosen file is stored, its id goes into the
/// data, and a refused submission shows the kept upload by name.
async fn the_action_form_uploads_and_keeps_the_file_on_a_refusal(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let case = app.create("health", plan(None)).await;
    let id = case["id"].as_str().unwrap();
    let (status, _, form) = app
        .get_text(&format!("/cases/{id}/actions/file-plan"), "health")
        .await;
    assert_eq!(status, 200);
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    assert!(form.contains("type=\"file\""));

    let post = |parts: Form| {
        app.client
            .post(format!("{}/cases/{id}/actions/file-plan", app.url))
            .bearer_auth(common::token("health"))
            .multipart(parts)
            .send()
    };
    let file = || {
        Part::bytes(b"%PDF-1.4 filed".to_vec())
            .file_name("报备.pdf")
            .mime_str("application/pdf")
            .unwrap()
    };
    // No filing date: refused, the upload kept and shown by name.
    let refused = post(Form::new().part("f.plan_document", file()))
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("报备.pdf"), "the kept upload is named");
    let marker = "name=\"f.plan_document\" value=\"";
    let start = page.find(marker).expect("a hidden input keeps the upload") + marker.len();
    let kept_id = &page[start..start + 36];

    // Sent again with the date and the kept id (no new file): accepted, attached.
    let done = post(
        Form::new()
            .text("f.plan_document", kept_id.to_owned())
            .text("f.filed_on", "2026-03-20"),
    )
    .await
    .unwrap();
    assert!(
        done.status().is_redirection() || done.status() == 200,
        "{}",
        done.status()
    );
    let case = app.case("health", id).await;
    assert_eq!(case["state"], "filed");
    assert_eq!(case["data"]["plan_document"], kept_id);
    let attached = anjuan::store::files::of_case(&app.state.db, id)
        .await
        .unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].name, "报备.pdf");
    app.stop().await;
}
on_both!(the_action_form_uploads_and_keeps_the_file_on_a_refusal);

/// Files uploaded by `who` (attached or not).
async fn files_of(app: &Shipped, who: &str) -> Vec<anjuan::store::entities::files::Model> {
    use anjuan::store::entities::files;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    files::Entity::find()
        .filter(files::Column::UploadedBy.eq(who))
        .all(&app.state.db)
        .await
        .unwrap()
}

/// A special family in care: registered by the association, its contacts `leader-a`
/// and `cadre-a1`, the volunteer `volunteer` its liaison.
async fn family_in_care(app: &Shipped) -> String {
    let record = json!({
        "programme": "special-family-care", "case_type": "family", "org_unit": "village-a1",
        "data": data::family("430123195804121526"),
    });
    let id = app.create("staff", record).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act("staff", &id, "assign-contacts", data::contacts(), None)
        .await;
    id
}

/// `cadre-a1` records consent with a signed form named `name`; the new file's id.
async fn record_consent(app: &Shipped, family: &str, name: &str) -> String {
    let consent = json!({
        "psych_consent": true,
        "psych_consent_on": "2026-11-20",
        "psych_consent_form": format!("files/{name}"),
    });
    app.act("cadre-a1", family, "record-psych-consent", consent, None)
        .await;
    let seen = app.case("cadre-a1", family).await;
    seen["data"]["psych_consent_form"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// 注重保护隐私: a signed consent form is as private as the sensitive field it was
/// attached through, also once a new form replaced it and the data no longer names it,
/// and also when someone copies its id into a field everyone reads. Only the family's
/// contacts, association staff and the programme's administrators list it on the case page and download
/// it; each of their downloads is logged as one read of that field (`via = "file"`).
async fn a_replaced_sensitive_file_stays_as_private_as_its_field(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let family = family_in_care(&app).await;
    let old = record_consent(&app, &family, "同意书-旧.pdf").await;
    let new = record_consent(&app, &family, "同意书-新.pdf").await;
    assert_ne!(old, new);
    let stored = anjuan::store::files::meta(&app.state.db, &old)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.field.as_deref(), Some("/psych_consent_form"));

    // Association staff read special families now (the plan's implementers): the
    // volunteer and the system administrator remain outsiders to this field.
    for outsider in ["volunteer", "admin"] {
        for id in [&old, &new] {
            assert_eq!(
                download(&app, outsider, id).await.status(),
                404,
                "{outsider} may not download the consent form {id}"
            );
        }
        let (status, _, page) = app.get_text(&format!("/cases/{family}"), outsider).await;
        assert_eq!(status, 200, "{outsider} reads the case");
        assert!(
            !page.contains("同意书-旧.pdf") && !page.contains(&format!("/api/v1/files/{old}")),
            "the replaced form is not listed for {outsider}"
        );
        assert!(!page.contains("同意书-新.pdf"), "nor the current one");
    }
    for reader in ["cadre-a1", "leader-a", "fc-admin", "staff"] {
        assert_eq!(download(&app, reader, &old).await.status(), 200, "{reader}");
        let (_, _, page) = app.get_text(&format!("/cases/{family}"), reader).await;
        assert!(
            page.contains("同意书-旧.pdf"),
            "{reader} sees the replaced form"
        );
        assert!(page.contains("同意书-新.pdf"), "and the current one");
    }

    let log = anjuan::store::access::list(&app.state.db, Some(&family), 200)
        .await
        .unwrap();
    let downloads: Vec<_> = log.iter().filter(|l| l.via == "file").collect();
    assert_eq!(downloads.len(), 4, "one entry per download: {downloads:?}");
    for entry in &downloads {
        assert_eq!(entry.fields, "psych_consent_form");
    }
    let mut who: Vec<_> = downloads.iter().map(|l| l.user_id.as_str()).collect();
    who.sort_unstable();
    assert_eq!(who, ["cadre-a1", "fc-admin", "leader-a", "staff"]);

    // The township leader copies the current form's id into a field every reader of
    // the case sees: that unlocks nothing, and the file keeps its field.
    let services = json!({
        "family_doctor_signed": true,
        "green_channel_card": true,
        "insurance": { "accident": true, "comprehensive": true, "nursing_subsidy": true, "policy_no": new },
    });
    app.act(
        "leader-a",
        &family,
        "record-health-services",
        services,
        None,
    )
    .await;
    let seen = app.case("volunteer", &family).await;
    assert_eq!(seen["data"]["insurance"]["policy_no"], new.as_str());
    assert_eq!(
        download(&app, "volunteer", &new).await.status(),
        404,
        "an id copied into a field the volunteer reads"
    );
    let stored = anjuan::store::files::meta(&app.state.db, &new)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.field.as_deref(), Some("/psych_consent_form"));
    app.stop().await;
}
on_both!(a_replaced_sensitive_file_stays_as_private_as_its_field);

/// A file of a case keeps the field it was first attached through: naming it again
/// in another field of the same case attaches nothing anew.
async fn a_file_is_attached_once_with_its_first_field(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let case = app.create("health", plan(None)).await;
    let id = case["id"].as_str().unwrap();
    let file = uploaded(&app, "health", "方案.pdf").await;
    let db = &app.state.db;
    assert!(
        anjuan::store::files::attach(db, &file, id, "/plan_document")
            .await
            .unwrap()
    );
    assert!(
        !anjuan::store::files::attach(db, &file, id, "/other")
            .await
            .unwrap()
    );
    let stored = anjuan::store::files::meta(db, &file)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.field.as_deref(), Some("/plan_document"));
    app.stop().await;
}
on_both!(a_file_is_attached_once_with_its_first_field);

/// A refused action form shows the name of a file the caller may download, and of no
/// other: an id of someone else's upload sent in a file field stays unnamed.
async fn a_refused_form_names_only_the_callers_files(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let case = app.create("health", plan(None)).await;
    let id = case["id"].as_str().unwrap();
    let theirs = uploaded(&app, "cdc", "别人的秘密.pdf").await;
    let mine = uploaded(&app, "health", "我的方案.pdf").await;
    let post = |file: String| {
        app.client
            .post(format!("{}/cases/{id}/actions/file-plan", app.url))
            .bearer_auth(common::token("health"))
            .multipart(Form::new().text("f.plan_document", file))
            .send()
    };
    let refused = post(theirs).await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        !page.contains("别人的秘密.pdf"),
        "someone else's file is not named"
    );
    let refused = post(mine).await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("我的方案.pdf"), "the caller's own upload is");
    app.stop().await;
}
on_both!(a_refused_form_names_only_the_callers_files);

/// A text part past the form's allowance (4 MiB for all text parts) is refused with
/// 413 while it is read, not after it was held whole in memory.
async fn a_text_part_past_the_allowance_is_413(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let case = app.create("health", plan(None)).await;
    let id = case["id"].as_str().unwrap();
    let long = "x".repeat(14 * 1024 * 1024);
    let r = app
        .client
        .post(format!("{}/cases/{id}/actions/file-plan", app.url))
        .bearer_auth(common::token("health"))
        .multipart(Form::new().text("f.comment", long))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    app.stop().await;
}
on_both!(a_text_part_past_the_allowance_is_413);

/// At most 20 files in one form: one more is a 413, and the files the form stored
/// before the refusal are deleted with it.
async fn a_form_with_too_many_files_is_refused_and_keeps_none(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let case = app.create("health", plan(None)).await;
    let id = case["id"].as_str().unwrap();
    let post = |n: usize| {
        let mut form = Form::new();
        for i in 0..n {
            let part = Part::bytes(b"%PDF-1.4".to_vec())
                .file_name(format!("{i}.pdf"))
                .mime_str("application/pdf")
                .unwrap();
            form = form.part(format!("f.plan_document{i}"), part);
        }
        app.client
            .post(format!("{}/cases/{id}/actions/file-plan", app.url))
            .bearer_auth(common::token("health"))
            .multipart(form)
            .send()
    };
    let r = post(21).await.unwrap();
    assert_eq!(r.status(), 413);
    assert!(files_of(&app, "health").await.is_empty(), "nothing kept");
    let r = post(20).await.unwrap();
    assert_ne!(r.status(), 413, "twenty are taken");
    assert_eq!(files_of(&app, "health").await.len(), 20);
    app.stop().await;
}
on_both!(a_form_with_too_many_files_is_refused_and_keeps_none);

/// Only the pages with file fields (an action, a new case) store files: a file sent
/// to any other form is refused and not stored.
async fn a_form_without_file_fields_stores_no_file(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let part = Part::bytes(b"%PDF-1.4".to_vec())
        .file_name("a.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let r = app
        .client
        .post(format!("{}/notifications/read", app.url))
        .bearer_auth(common::token("health"))
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(files_of(&app, "health").await.is_empty());
    app.stop().await;
}
on_both!(a_form_without_file_fields_stores_no_file);

/// The worker deletes uploads nobody attached within a day; younger uploads and
/// attached files stay.
async fn the_sweep_deletes_unattached_uploads_after_a_day(kind: Db) {
    let app = Shipped::spawn(kind).await;
    let attached = uploaded(&app, "health", "方案.pdf").await;
    app.create("health", plan(Some(&attached))).await;
    let forgotten = uploaded(&app, "health", "忘了.pdf").await;
    let now = chrono::Utc::now();

    let sweep = app.sweep(now + chrono::Duration::hours(23)).await;
    assert_eq!(sweep.purged, 0, "{sweep:?}");
    assert_eq!(files_of(&app, "health").await.len(), 2);

    let sweep = app.sweep(now + chrono::Duration::hours(25)).await;
    assert_eq!(sweep.purged, 1, "{sweep:?}");
    let left: Vec<String> = files_of(&app, "health")
        .await
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(left, [attached]);
    assert_eq!(download(&app, "health", &forgotten).await.status(), 404);
    app.stop().await;
}
on_both!(the_sweep_deletes_unattached_uploads_after_a_day);
