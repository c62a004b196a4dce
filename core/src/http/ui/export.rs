//! Exports of the filtered case list: `/cases/export.csv` and `/cases/export.xlsx`,
//! the same filters as the list page. With a case type chosen, its data fields become
//! columns; sensitive values are masked exactly as the API masks them (each case goes
//! through the same view), and every unmasked read is logged with `via = export`.
//!
//! Both stream: the header (CSV) or the workbook's fixed parts (XLSX, see `export/xlsx.rs`)
//! leave at once, then the rows follow as the cases are read, a step at a time, so a
//! list of 100,000 cases starts downloading in the browser at once (its download bar
//! shows the progress) and the server holds one step in memory. A larger list is
//! refused before anything is sent, with a message saying how to narrow it.
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

mod xlsx;

/// Most rows in one export, CSV or XLSX (both streamed, so memory stays bounded); a
/// larger list is refused with a hint to filter.
pub const MAX_ROWS: u64 = 100_000;

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
        cell(self.numeric.get(col).copied().unwrap_or(false), v)
    }
}

/// Value `v` as a workbook cell: a number in a `numeric` column when it reads as
/// one, else text.
fn cell(numeric: bool, v: &str) -> Cell<'_> {
    match v.parse::<f64>() {
        Ok(n) if numeric && n.is_finite() => Cell::Number(n),
        _ => Cell::Text(v),
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

/// The ids of the cases of the export, in order; a list of more than `most` cases is
/// refused, with a hint to filter.
async fn ids_or_refuse(
    state: &AppState,
    page: &Page,
    f: &store::cases::Filter,
    most: u64,
) -> Result<Vec<String>, UiError> {
    let ids = store::cases::ids_at_most(&state.db, f, most).await?;
    if ids.len() as u64 > most {
        return Err(UiError(Error::BadRequest {
            field: "export".into(),
            message: page.ui.t_args(
                page.lang,
                "export-too-large",
                &[("most", serde_json::Value::from(most))],
            ),
        }));
    }
    Ok(ids)
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
    let head = Table {
        header: sheet.header.clone(),
        numeric: sheet.numeric.clone(),
        rows: Vec::new(),
    };
    let encoder = Encoder::Csv(csv_bytes(&head)?);
    let tz = state.config.timezone;
    let body = stream(state, page, &params, sheet, encoder).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, file_name("csv", tz)),
        ],
        body,
    )
        .into_response())
}

/// An export that cannot go on: logged, and the download broken off (the client sees
/// an incomplete file, never a complete-looking one).
async fn fail_part_way(
    tx: &tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    e: UiError,
) {
    tracing::error!(error = %e.0, "an export failed part way");
    let _ = tx.send(Err(std::io::Error::other(e.0.to_string()))).await;
}

/// How rows become bytes: CSV, whose header is ready before the first row, or a
/// workbook being written.
enum Encoder {
    /// The header (with its byte-order mark), until it is sent.
    Csv(Vec<u8>),
    /// The workbook, header written.
    Xlsx(Box<xlsx::Workbook>),
}

impl Encoder {
    /// What can be sent before any case is read.
    fn head(&mut self) -> Vec<u8> {
        match self {
            Encoder::Csv(head) => std::mem::take(head),
            Encoder::Xlsx(book) => book.take(),
        }
    }

    /// `rows` encoded.
    fn rows(&mut self, numeric: &[bool], rows: Vec<Vec<String>>) -> Result<Vec<u8>, UiError> {
        match self {
            Encoder::Csv(_) => csv_rows(&Table {
                header: Vec::new(),
                numeric: numeric.to_vec(),
                rows,
            }),
            Encoder::Xlsx(book) => {
                book.rows(&rows).map_err(|e| UiError(Error::Internal(e)))?;
                Ok(book.take())
            }
        }
    }

    /// The last bytes, after the last row.
    fn finish(self) -> Result<Vec<u8>, UiError> {
        match self {
            Encoder::Csv(_) => Ok(Vec::new()),
            Encoder::Xlsx(book) => book.finish().map_err(|e| UiError(Error::Internal(e))),
        }
    }
}

/// The filtered list as the caller may see it, encoded and sent as it is read. The
/// ids of its cases are read first (ids only, along whichever index suits the
/// filter; a list of more than [`MAX_ROWS`] cases is refused before anything is sent),
/// then what `encoder` has before the first case leaves at once, then the cases
/// follow [`STEP`] at a time read by id, at most four steps in flight: memory holds
/// the ids and a few steps however long the list, and a client that goes away stops
/// the reading. (Reading steps along the id order with the filter applied on the way
/// passed over every case the filter leaves out, on each step: minutes for a list
/// of recent cases in a large county.)
async fn stream(
    state: AppState,
    page: Page,
    params: &ListParams,
    sheet: Sheet,
    mut encoder: Encoder,
) -> Result<axum::body::Body, UiError> {
    let f = filter(&state, &page.caller, params.query(STEP)).await?;
    let ids = ids_or_refuse(&state, &page, &f, MAX_ROWS).await?;
    let first = encoder.head();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let step = STEP as usize;
        for chunk in ids.chunks(step) {
            let encoded = async {
                let batch = store::cases::by_ids(&state.db, chunk).await?;
                let rows = sheet.rows(&state, &page, batch).await?;
                encoder.rows(&sheet.numeric, rows)
            };
            match encoded.await {
                Ok(bytes) => {
                    if tx.send(Ok(bytes)).await.is_err() {
                        return;
                    }
                }
                Err(e) => return fail_part_way(&tx, e).await,
            }
        }
        match encoder.finish() {
            Ok(tail) => {
                let _ = tx.send(Ok(tail)).await;
            }
            Err(e) => fail_part_way(&tx, e).await,
        }
    });
    let rest =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }),
        rest,
    );
    Ok(axum::body::Body::from_stream(body))
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
    let sheet = Sheet::new(&state, &page, &params).await?;
    let book = xlsx::Workbook::start(&page.t("cases-title"), &sheet.header, sheet.numeric.clone())
        .map_err(|e| UiError(Error::Internal(e)))?;
    let tz = state.config.timezone;
    let body = stream(state, page, &params, sheet, Encoder::Xlsx(Box::new(book))).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, file_name("xlsx", tz)),
        ],
        body,
    )
        .into_response())
}

/// A whole table as an XLSX workbook with one sheet: a bold, frozen header row,
/// numbers of numeric columns as numbers (a value there that is not one, "hidden" say,
/// as text) and everything else as text (dates too: they read the same in every
/// locale).
pub fn xlsx_bytes(t: &Table, sheet_name: &str) -> Result<Vec<u8>, UiError> {
    let fail = |e: String| UiError(Error::Internal(e));
    let mut book = xlsx::Workbook::start(sheet_name, &t.header, t.numeric.clone()).map_err(fail)?;
    let mut bytes = book.take();
    book.rows(&t.rows).map_err(fail)?;
    bytes.extend(book.take());
    bytes.extend(book.finish().map_err(fail)?);
    Ok(bytes)
}
