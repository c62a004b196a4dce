//! What leaves the system on paper and in files: the printable dossier of a disposal case
//! (一样品一表一案卷), the two lists of a building as a table with one row per hazard,
//! and a family's record, masked in exports as on screen.

use serde_json::json;

use super::data::{self, building, hazard, two_lists};
use crate::common::Db;
use crate::common::shipped::{Shipped, expect};

/// 一样品一表一案卷: a closed disposal case prints as one dossier holding its data, every
/// step taken and every deadline's outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_sample_one_form_one_dossier() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = super::enforcement::to_penalty(&app).await;
    app.act("inspector", &id, "record-penalty", data::penalty(), None)
        .await;
    let today = app
        .state
        .calendar()
        .local_date(chrono::Utc::now())
        .to_string();
    app.act(
        "inspector",
        &id,
        "record-reinspection",
        data::reinspection("passed", &today),
        None,
    )
    .await;
    super::enforcement::confirm_filed(&app, &id, &super::enforcement::ALL_FILED).await;
    let case = app
        .act(
            "lead",
            &id,
            "close",
            json!({ "dossier_note": "材料齐全" }),
            None,
        )
        .await;
    let (status, kind, page) = app.get_text(&format!("/cases/{id}/dossier"), "lead").await;
    assert_eq!(status, 200, "{page}");
    assert!(kind.starts_with("text/html"), "{kind}");
    for expected in [
        case["number"].as_str().unwrap(),
        "清市监罚〔2026〕56号",
        "领取后90个自然日内办结",
        "行政处罚",
        "复查",
        "办结归档",
    ] {
        assert!(page.contains(expected), "the dossier shows {expected}");
    }
    app.stop().await;
}

/// 两个清单 (annex 2) as a table: one row per hazard with its measures, person
/// responsible, funds and deadline; also as XLSX.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_lists_export_one_row_per_hazard() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = super::fire::rectification(&app, building("住院大楼", "public", 16, 62.5)).await;
    let rows = vec![
        hazard(
            "safety-management",
            "疏散楼梯间堆放杂物",
            "2026-12-31",
            false,
            false,
        ),
        hazard("fire-facilities", "消火栓无水", "2027-03-31", true, false),
        hazard(
            "shafts-insulation",
            "电缆井每层未封堵",
            "2027-05-31",
            true,
            true,
        ),
    ];
    app.act("facility", &id, "submit-two-lists", two_lists(rows), None)
        .await;
    let query = "programme=fire-safety-rectification&case_type=hazard";
    let (status, kind, csv) = app
        .get_text(&format!("/cases/export.csv?{query}"), "hinspector")
        .await;
    expect(200, status, &json!(csv), "the CSV export");
    assert!(kind.starts_with("text/csv"), "{kind}");
    let lines: Vec<&str> = csv.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 4, "a header and one row per hazard: {csv}");
    for expected in ["消火栓无水", "刘建军", "2027-05-31", "3.5"] {
        assert!(csv.contains(expected), "{expected} in {csv}");
    }
    let (status, kind, _) = app
        .get_text(&format!("/cases/export.xlsx?{query}"), "hinspector")
        .await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    app.stop().await;
}

/// Privacy holds in exports too: a volunteer who is not the family's liaison gets `***`,
/// the family's village contact gets the record, and that read is logged as an export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn family_fields_masked_in_exports_too() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = super::family::in_care(&app, "430123195804121526").await;
    let path = "/cases/export.csv?programme=special-family-care&case_type=family";
    let (status, _, staff) = app.get_text(path, "volunteer").await;
    assert_eq!(status, 200, "{staff}");
    assert!(
        !staff.contains("430123195804121526") && !staff.contains("王秀英"),
        "{staff}"
    );
    assert!(
        staff.contains("身份证号") && (staff.contains("***") || staff.contains("已隐藏")),
        "the column is there, masked: {staff}"
    );
    let (status, _, contact) = app.get_text(path, "cadre-a1").await;
    assert_eq!(status, 200, "{contact}");
    assert!(
        contact.contains("430123195804121526") && contact.contains("王秀英"),
        "{contact}"
    );
    let log = anjuan::store::access::list(&app.state.db, Some(&id), 100)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|l| l.user_id == "cadre-a1" && l.via == "export"),
        "{log:?}"
    );
    assert!(!log.iter().any(|l| l.user_id == "volunteer"));
    app.stop().await;
}

/// The sheet of an XLSX export as `who` downloads it.
async fn xlsx_sheet(app: &Shipped, path: &str, who: &str) -> String {
    use std::io::Read;
    let r = app
        .client
        .get(format!("{}{path}", app.url))
        .bearer_auth(crate::common::token(who))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("a sheet")
        .read_to_string(&mut sheet)
        .unwrap();
    sheet
}

/// The streamed workbook masks as the screen does: the volunteer who is not the
/// family's liaison gets the column masked, the family's village contact gets the ID
/// number as text (not a number that loses its last digits), and only that read is
/// logged as an export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn family_fields_masked_in_xlsx_exports_too() {
    let app = Shipped::spawn(Db::Sqlite).await;
    let id = super::family::in_care(&app, "430123195804121526").await;
    let path = "/cases/export.xlsx?programme=special-family-care&case_type=family";
    let staff = xlsx_sheet(&app, path, "volunteer").await;
    assert!(
        !staff.contains("430123195804121526") && !staff.contains("王秀英"),
        "{staff}"
    );
    assert!(staff.contains("身份证号"), "the column is there: {staff}");
    assert!(
        staff.contains("***") || staff.contains("已隐藏"),
        "masked: {staff}"
    );
    let contact = xlsx_sheet(&app, path, "cadre-a1").await;
    assert!(
        contact.contains("t=\"inlineStr\"><is><t xml:space=\"preserve\">430123195804121526</t>"),
        "the ID number as text: {contact}"
    );
    assert!(contact.contains("王秀英"), "{contact}");
    assert!(contact.ends_with("</worksheet>"), "the sheet is whole");
    let log = anjuan::store::access::list(&app.state.db, Some(&id), 100)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|l| l.user_id == "cadre-a1" && l.via == "export"),
        "{log:?}"
    );
    assert!(!log.iter().any(|l| l.user_id == "volunteer"));
    app.stop().await;
}
