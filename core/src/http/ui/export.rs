//! Exports of the filtered case list: `/cases/export.csv` and `/cases/export.xlsx`,
//! the same filters as the list page. With a case type chosen, its data fields become
//! columns; sensitive values are masked exactly as the API masks them (each case goes
//! through the same view), and every unmasked read is logged with `via = export`.
//!
//! Spreadsheets must keep what people typed: in XLSX the `number`/`integer` columns are
//! numeric cells (they can be summed), everything else text; in CSV a long run of
//! digits (an ID card or account number) is written so Excel keeps it as text.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;

use super::cases::ListParams;
use super::directory::Directory;
use super::page::{Page, UiError};
use super::values::{self, Fmt};
use crate::error::Error;
use crate::http::api::cases::filter;
use crate::service::views;
use crate::state::AppState;
use crate::store;
use crate::workflow::model::FieldType;

/// Most rows in one XLSX export (built whole); a larger list is refused with a hint
/// to filter.
pub const MAX_ROWS: u64 = 20_000;
/// Most rows in one CSV export (streamed, so memory stays bounded).
pub const MAX_CSV_ROWS: u64 = 100_000;

/// Export routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/export.csv", get(export_csv_get))
        .route("/cases/export.xlsx", get(export_xlsx_get))
}

/// A table: header and rows of text.
pub struct Table {
    /// Column titles.
    pub header: Vec<String>,
    /// Which columns hold numbers (a `number` or `integer` field), by position; a
    /// column past its end holds text.
    pub numeric: Vec<bool>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
}

/// A cell of the workbook.
#[derive(Debug, PartialEq)]
pub enum Cell<'a> {
    /// A number (it can be summed).
    Number(f64),
    /// Text.
    Text(&'a str),
}

impl Table {
    /// Value `v` of column `col` as a workbook cell: a number in a numeric column
    /// when it reads as one, else text.
    pub fn cell<'a>(&self, col: usize, v: &'a str) -> Cell<'a> {
        let numeric = self.numeric.get(col).copied().unwrap_or(false);
        match v.parse::<f64>() {
            Ok(n) if numeric && n.is_finite() => Cell::Number(n),
            _ => Cell::Text(v),
        }
    }
}

/// What every row of one export shares: the columns, and what formats the values.
struct Sheet {
    header: Vec<String>,
    numeric: Vec<bool>,
    ct: Option<(
        std::sync::Arc<crate::state::Version>,
        crate::workflow::model::CaseType,
    )>,
    labels: values::Labels,
    dir: Directory,
}

impl Sheet {
    async fn new(state: &AppState, page: &Page, params: &ListParams) -> Result<Sheet, UiError> {
        let lang = page.lang;
        let dir = Directory::load(&state.db).await?;
        let programmes = state.programmes();
        let ct = programmes.current(&params.programme).and_then(|v| {
            Some((
                v.clone(),
                v.def.programme.case_type(&params.case_type)?.clone(),
            ))
        });
        let labels = match &ct {
            Some((v, t)) => values::labels(state, v, t, lang).await,
            None => values::Labels::default(),
        };
        let mut header: Vec<String> = [
            "col-number",
            "col-programme",
            "col-case-type",
            "col-state",
            "col-summary",
            "col-unit",
            "col-overdue",
            "col-next-due",
            "col-created",
        ]
        .iter()
        .map(|k| page.t(k))
        .collect();
        // The fixed columns are text; a field's column is a number cell when the field is.
        let mut numeric = vec![false; header.len()];
        if let Some((_, t)) = &ct {
            header.extend(t.fields.iter().map(|(n, f)| {
                f.title
                    .as_ref()
                    .map(|x| lang.pick(x))
                    .unwrap_or_else(|| n.to_string())
            }));
            numeric.extend(
                t.fields
                    .values()
                    .map(|f| matches!(*f.kind, FieldType::Number | FieldType::Integer)),
            );
        }
        Ok(Sheet {
            header,
            numeric,
            ct,
            labels,
            dir,
        })
    }

    /// The rows of `batch` as the caller may see them (each case with a chosen case
    /// type through the same masked view as the API, its reads logged).
    async fn rows(
        &self,
        state: &AppState,
        page: &Page,
        batch: Vec<store::entities::cases::Model>,
    ) -> Result<Vec<Vec<String>>, UiError> {
        let lang = page.lang;
        let ids: Vec<String> = batch.iter().map(|c| c.id.clone()).collect();
        let files = store::files::names_of_cases(&state.db, &ids).await?;
        let fmt = Fmt {
            lang,
            ui: &page.ui,
            dir: &self.dir,
            labels: &self.labels,
            tz: state.config.timezone,
            files: &files,
        };
        let mut rows = Vec::with_capacity(batch.len());
        for c in batch {
            let base = super::cases::row(state, &self.dir, lang, c.clone());
            let mut r = vec![
                base.number,
                base.programme,
                base.case_type,
                base.state,
                base.summary,
                base.unit,
                page.t(if base.overdue { "yes" } else { "no" }),
                base.next_due,
                base.created,
            ];
            if let Some((_, t)) = &self.ct {
                let view = views::case(state, &page.caller, c, "export").await?;
                r.extend(t.fields.iter().map(|(n, field)| {
                    view.data
                        .get(n.as_str())
                        .map(|v| values::cell(v, Some(field), n, &fmt))
                        .unwrap_or_default()
                }));
            }
            rows.push(r);
        }
        Ok(rows)
    }
}

/// Cases read per step of an export.
const STEP: u64 = 500;

/// Refuse an export of more than `most` cases, with a hint to filter.
async fn refuse_huge(
    state: &AppState,
    page: &Page,
    f: &store::cases::Filter,
    most: u64,
) -> Result<(), UiError> {
    if store::cases::count_at_most(&state.db, f, most).await? > most {
        return Err(UiError(Error::BadRequest {
            field: "export".into(),
            message: page.ui.t_args(
                page.lang,
                "export-too-large",
                &[("most", serde_json::Value::from(most))],
            ),
        }));
    }
    Ok(())
}

/// The filtered list as a table, as the caller may see it (at most [`MAX_ROWS`]
/// rows; a larger list is refused).
pub async fn table(state: &AppState, page: &Page, params: &ListParams) -> Result<Table, UiError> {
    let sheet = Sheet::new(state, page, params).await?;
    let f = filter(state, &page.caller, params.query(STEP)).await?;
    refuse_huge(state, page, &f, MAX_ROWS).await?;
    let mut rows = Vec::new();
    let mut after = String::new();
    loop {
        let batch = store::cases::after_id(&state.db, &f, &after, STEP).await?;
        let Some(last) = batch.last() else { break };
        after = last.id.clone();
        let full = batch.len() as u64 == STEP;
        rows.extend(sheet.rows(state, page, batch).await?);
        if !full {
            break;
        }
    }
    Ok(Table {
        header: sheet.header,
        numeric: sheet.numeric,
        rows,
    })
}

/// `cases-20261129-1807.csv`: the time as the server's users read their clocks.
fn file_name(ext: &str, tz: chrono_tz::Tz) -> String {
    format!(
        "attachment; filename=\"cases-{}.{ext}\"",
        Utc::now().with_timezone(&tz).format("%Y%m%d-%H%M")
    )
}

async fn export_csv_get(
    State(state): State<AppState>,
    page: Page,
    Query(params): Query<ListParams>,
) -> Result<Response, UiError> {
    let sheet = Sheet::new(&state, &page, &params).await?;
    let f = filter(&state, &page.caller, params.query(STEP)).await?;
    refuse_huge(&state, &page, &f, MAX_CSV_ROWS).await?;
    let head = Table {
        header: sheet.header.clone(),
        numeric: sheet.numeric.clone(),
        rows: Vec::new(),
    };
    let first = csv_bytes(&head)?;
    let tz = state.config.timezone;
    // A few steps in flight at most: memory stays bounded however long the list,
    // and a client that goes away stops the reading.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let page = Page {
        caller: page.caller.clone(),
        lang: page.lang,
        ui: page.ui.clone(),
        here: page.here.clone(),
    };
    tokio::spawn(async move {
        let mut after = String::new();
        loop {
            let step = async {
                let batch = store::cases::after_id(&state.db, &f, &after, STEP).await?;
                let last = batch.last().map(|c| c.id.clone());
                let full = batch.len() as u64 == STEP;
                let t = Table {
                    header: Vec::new(),
                    numeric: sheet.numeric.clone(),
                    rows: sheet.rows(&state, &page, batch).await?,
                };
                Ok::<_, UiError>((csv_rows(&t)?, last, full))
            };
            match step.await {
                Ok((bytes, last, full)) => {
                    if tx.send(Ok(bytes)).await.is_err() {
                        return;
                    }
                    match (last, full) {
                        (Some(last), true) => after = last,
                        _ => return,
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e.0, "a CSV export failed part way");
                    let _ = tx.send(Err(std::io::Error::other(e.0.to_string()))).await;
                    return;
                }
            }
        }
    });
    let rest =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }),
        rest,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, file_name("csv", tz)),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}

/// Rows of CSV without the byte-order mark and header (a later step of a stream).
fn csv_rows(t: &Table) -> Result<Vec<u8>, UiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    write_rows(&mut w, t)?;
    w.into_inner()
        .map_err(|e| UiError(Error::Internal(format!("csv: {e}"))))
}

fn write_rows(w: &mut csv::Writer<Vec<u8>>, t: &Table) -> Result<(), UiError> {
    let fail = |e: csv::Error| UiError(Error::Internal(format!("csv: {e}")));
    for r in &t.rows {
        let cells = r.iter().enumerate().map(|(c, v)| match t.cell(c, v) {
            Cell::Number(_) => v.clone(),
            Cell::Text(v) => csv_text(v),
        });
        w.write_record(cells).map_err(fail)?;
    }
    Ok(())
}

/// CSV with a byte-order mark, so spreadsheet programs read the Chinese correctly.
pub fn csv_bytes(t: &Table) -> Result<Vec<u8>, UiError> {
    let mut w = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    let fail = |e: csv::Error| UiError(Error::Internal(format!("csv: {e}")));
    w.write_record(&t.header).map_err(fail)?;
    write_rows(&mut w, t)?;
    w.into_inner()
        .map_err(|e| UiError(Error::Internal(format!("csv: {e}"))))
}

/// A text cell as Excel should keep it. Excel reads any run of digits as a number:
/// an 18-digit ID number becomes 4.30523E+17 (and loses its last digits), a leading 0
/// is dropped. Such a value is written as the formula `="…"`, which Excel and WPS show
/// as exactly those digits, and which stays those digits when the cell is copied
/// into another system. (The other common trick, a leading tab, travels with the value
/// when copied, so an ID number pasted into a lookup would no longer match.) Values of
/// 11 digits or fewer without a leading 0 (a mobile number) Excel shows whole, so
/// they stay as they are.
///
/// Text a spreadsheet program would run as a formula (it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return: a household head named `=HYPERLINK(…)` say) gets a
/// leading apostrophe, as OWASP advises against CSV injection: the program then shows
/// it as text. Numbers in numeric columns never reach here (`-2.5` stays a number).
pub fn csv_text(v: &str) -> String {
    let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    if digits && (v.len() > 11 || (v.len() > 1 && v.starts_with('0'))) {
        format!("=\"{v}\"")
    } else if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    }
}

async fn export_xlsx_get(
    State(state): State<AppState>,
    page: Page,
    Query(params): Query<ListParams>,
) -> Result<Response, UiError> {
    let t = table(&state, &page, &params).await?;
    let sheet = page.t("cases-title");
    let body = tokio::task::spawn_blocking(move || xlsx_bytes(&t, &sheet))
        .await
        .map_err(|e| Error::Internal(format!("xlsx task: {e}")))??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                file_name("xlsx", state.config.timezone),
            ),
        ],
        body,
    )
        .into_response())
}

/// An XLSX workbook with one sheet: a bold, frozen header row, numbers of numeric
/// columns as numbers (a value there that is not one, "hidden" say, as text) and
/// everything else as text (dates too: they read the same in every locale).
pub fn xlsx_bytes(t: &Table, sheet_name: &str) -> Result<Vec<u8>, UiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| UiError(Error::Internal(format!("xlsx: {e}")));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(fail)?;
    let bold = Format::new().set_bold();
    for (c, h) in t.header.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, col, h, &bold)
            .map_err(fail)?;
        sheet
            .set_column_width(col, if c == 4 { 36 } else { 16 })
            .map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    for (r, row) in t.rows.iter().enumerate() {
        let rn = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in row.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            match t.cell(c, v) {
                Cell::Number(n) => sheet.write_number(rn, col, n).map_err(fail)?,
                Cell::Text(s) => sheet.write_string(rn, col, s).map_err(fail)?,
            };
        }
    }
    book.save_to_buffer().map_err(fail)
}
