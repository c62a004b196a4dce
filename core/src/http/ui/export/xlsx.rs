//! An XLSX workbook written as it goes: one sheet, rows appended in steps, the zip
//! container streamed (each part's sizes in a descriptor after its data, so nothing
//! is sought back to). The first bytes leave before the first case is read, memory
//! holds one step, and 100,000 rows need no temporary file.
//!
//! The sheet keeps strings inline (`t="inlineStr"`) rather than in a shared table,
//! which a streamed workbook cannot know in advance; Excel, WPS and LibreOffice read
//! both. The header row is bold and frozen; numeric columns' numbers are number cells.

use std::io::Write;
use std::sync::{Arc, Mutex};

use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use super::Cell;

/// Longest text Excel keeps in a cell.
const CELL_MAX_CHARS: usize = 32_767;

/// Bytes written so far and not yet taken: what the zip writer writes into.
#[derive(Clone, Default)]
pub struct Chunks(Arc<Mutex<Vec<u8>>>);

impl Chunks {
    /// The bytes written since the last call.
    pub fn take(&self) -> Vec<u8> {
        match self.0.lock() {
            Ok(mut b) => std::mem::take(&mut *b),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

impl Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.lock() {
            Ok(mut b) => b.extend_from_slice(buf),
            Err(poisoned) => poisoned.into_inner().extend_from_slice(buf),
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A workbook being written.
pub struct Workbook {
    zip: ZipWriter<StreamWriter<Chunks>>,
    /// Which columns hold numbers (a field of type `number` or `integer`).
    numeric: Vec<bool>,
    /// The next row's number (1-based, as the sheet counts).
    next_row: u32,
    out: Chunks,
}

fn fail(e: impl std::fmt::Display) -> String {
    format!("xlsx: {e}")
}

impl Workbook {
    /// Start a workbook whose one sheet is `sheet_name`, headed by `header`: every
    /// part but the sheet's rows is written now.
    pub fn start(sheet_name: &str, header: &[String], numeric: Vec<bool>) -> Result<Self, String> {
        let out = Chunks::default();
        let mut zip = ZipWriter::new_stream(out.clone());
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        let parts = [
            ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
            ("_rels/.rels", ROOT_RELS.to_owned()),
            ("xl/workbook.xml", workbook(sheet_name)),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_owned()),
            ("xl/styles.xml", STYLES.to_owned()),
        ];
        for (name, text) in parts {
            zip.start_file(name, options).map_err(fail)?;
            zip.write_all(text.as_bytes()).map_err(fail)?;
        }
        zip.start_file("xl/worksheets/sheet1.xml", options)
            .map_err(fail)?;
        zip.write_all(sheet_start(header.len()).as_bytes())
            .map_err(fail)?;
        let mut book = Workbook {
            zip,
            numeric,
            next_row: 1,
            out,
        };
        let mut xml = String::from("<row r=\"1\">");
        for (c, h) in header.iter().enumerate() {
            text_cell(&mut xml, &cell_ref(c, 1), h, true);
        }
        xml.push_str("</row>");
        book.zip.write_all(xml.as_bytes()).map_err(fail)?;
        book.next_row = 2;
        Ok(book)
    }

    /// Append `rows`.
    pub fn rows(&mut self, rows: &[Vec<String>]) -> Result<(), String> {
        let mut xml = String::with_capacity(rows.len() * 256);
        for row in rows {
            let r = self.next_row;
            xml.push_str(&format!("<row r=\"{r}\">"));
            for (c, v) in row.iter().enumerate() {
                let numeric = self.numeric.get(c).copied().unwrap_or(false);
                match super::cell(numeric, v) {
                    Cell::Number(n) => {
                        xml.push_str(&format!("<c r=\"{}\"><v>{n}</v></c>", cell_ref(c, r)));
                    }
                    Cell::Text("") => {}
                    Cell::Text(s) => text_cell(&mut xml, &cell_ref(c, r), s, false),
                }
            }
            xml.push_str("</row>");
            self.next_row = r.saturating_add(1);
        }
        self.zip.write_all(xml.as_bytes()).map_err(fail)
    }

    /// The bytes written since the last call, to send.
    pub fn take(&self) -> Vec<u8> {
        self.out.take()
    }

    /// Close the sheet and the container; the last bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        self.zip.write_all(SHEET_END.as_bytes()).map_err(fail)?;
        self.zip.finish().map_err(fail)?;
        Ok(self.out.take())
    }
}

/// `A1`-style reference of column `col` (0-based) in row `row`.
fn cell_ref(col: usize, row: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", letters.into_iter().collect::<String>())
}

/// An inline text cell (bold: style 1).
fn text_cell(xml: &mut String, r: &str, v: &str, bold: bool) {
    let style = if bold { " s=\"1\"" } else { "" };
    xml.push_str(&format!(
        "<c r=\"{r}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">"
    ));
    escape_into(xml, v);
    xml.push_str("</t></is></c>");
}

/// `v` as XML text: markup escaped, characters XML cannot hold left out, at most what
/// a cell keeps.
fn escape_into(xml: &mut String, v: &str) {
    for c in v.chars().take(CELL_MAX_CHARS) {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '"' => xml.push_str("&quot;"),
            '\t' | '\n' | '\r' => xml.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => xml.push(c),
        }
    }
}

/// A sheet name as Excel accepts it: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Sheet1".to_owned()
    } else {
        clean
    }
}

fn workbook(name: &str) -> String {
    let mut escaped = String::new();
    escape_into(&mut escaped, &sheet_name(name));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <bookViews><workbookView/></bookViews>\
         <sheets><sheet name=\"{escaped}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    )
}

/// The sheet up to its first row: the frozen header, column widths (the summary,
/// fifth, wider).
fn sheet_start(columns: usize) -> String {
    let cols: String = (1..=columns.max(1))
        .map(|c| {
            let width = if c == 5 { 36 } else { 16 };
            format!("<col min=\"{c}\" max=\"{c}\" width=\"{width}\" customWidth=\"1\"/>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">\
         <pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
         <selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>\
         <sheetFormatPr defaultRowHeight=\"15\"/><cols>{cols}</cols><sheetData>"
    )
}

const SHEET_END: &str = "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" \
                         bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
</Relationships>";

const WORKBOOK_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// Two cell styles: 0 plain, 1 bold (the header).
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>\
<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
</styleSheet>";

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn part(zip: &[u8], name: &str) -> String {
        let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
        let mut f = a.by_name(name).expect(name);
        let mut s = String::new();
        f.read_to_string(&mut s).expect("utf-8");
        s
    }

    #[test]
    fn references_count_columns_like_a_spreadsheet() {
        assert_eq!(cell_ref(0, 1), "A1");
        assert_eq!(cell_ref(25, 2), "Z2");
        assert_eq!(cell_ref(26, 3), "AA3");
        assert_eq!(cell_ref(701, 4), "ZZ4");
        assert_eq!(cell_ref(702, 5), "AAA5");
    }

    #[test]
    fn a_streamed_workbook_is_a_whole_xlsx_with_escaped_text_and_numbers() {
        let header = vec!["编号".to_owned(), "数量".to_owned(), "备注".to_owned()];
        let mut book =
            Workbook::start("案件 [全部]", &header, vec![false, true, false]).expect("start");
        let first = book.take();
        assert_eq!(&first[..2], b"PK", "the container starts before any row");
        let mut bytes = first;
        let many: Vec<Vec<String>> = (0..3000)
            .map(|i| {
                vec![
                    format!("CJ-{i}"),
                    format!("{i}"),
                    "<a & \"b\">\u{1}x".to_owned(),
                ]
            })
            .collect();
        book.rows(&many).expect("rows");
        book.rows(&[vec!["=1+2".into(), "已隐藏".into(), " lead".into()]])
            .expect("rows");
        bytes.extend(book.take());
        bytes.extend(book.finish().expect("finish"));

        for p in [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
        ] {
            assert!(part(&bytes, p).starts_with("<?xml"), "{p}");
        }
        assert!(part(&bytes, "xl/workbook.xml").contains("<sheet name=\"案件 全部\""));
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.ends_with("</worksheet>"), "closed");
        assert!(sheet.contains(
            "<row r=\"1\"><c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">编号</t></is></c>"
        ));
        assert!(sheet.contains("<c r=\"B2\"><v>0</v></c>"), "a number cell");
        assert!(
            sheet.contains("<t xml:space=\"preserve\">&lt;a &amp; &quot;b&quot;&gt;x</t>"),
            "escaped, the control character left out"
        );
        assert!(sheet.contains(
            "<row r=\"3002\"><c r=\"A3002\" t=\"inlineStr\"><is><t xml:space=\"preserve\">=1+2</t>"
        ));
        assert!(
            sheet.contains(
                "<c r=\"B3002\" t=\"inlineStr\"><is><t xml:space=\"preserve\">已隐藏</t>"
            ),
            "text in a numeric column stays text"
        );
        assert!(sheet.contains("<pane ySplit=\"1\""), "the header is frozen");
    }
}
