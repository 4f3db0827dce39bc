//! Reads an uploaded bulk-edit file (CSV or XLSX) into rows of group changes, before any lookup.

mod archive;
mod cells;
mod quotes;
mod rows;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, Xlsx};

use self::cells::Cell;
use self::rows::Rows;
use crate::error::AppError;

pub use crate::domain::limits::{MAX_FILE_BYTES, MAX_FILE_ROWS as MAX_ROWS};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Legacy `.xls` workbooks, and password-protected `.xlsx` ones, are OLE compound files.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One data row of the file, as written (before any database lookup).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    /// The row's number as a spreadsheet shows it (the header row is row 1 when it is the first row).
    pub row: usize,
    /// The `Partner Id` cell, trimmed, as written (for echoing back in a preview).
    pub partner_id_text: String,
    /// The partner id, when the cell holds a positive integer.
    pub partner_id: Option<i64>,
    /// Group ids of `Add To`, in file order, without duplicates.
    pub add_to: Vec<i64>,
    /// Group ids of `Remove From`, in file order, without duplicates.
    pub remove_from: Vec<i64>,
    /// `Remove All` is YES.
    pub remove_all: bool,
    /// What is wrong with the row as written; empty when it parsed cleanly.
    pub errors: Vec<String>,
}

/// Parses a CSV or XLSX file (detected from its content, not its name).
/// File-level problems are `AppError::Validation` with a message saying what is wrong.
pub fn parse(bytes: &[u8]) -> Result<Vec<FileRow>, AppError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::Validation(format!(
            "the file is too large: {} bytes, the limit is {} MB ({MAX_FILE_BYTES} bytes)",
            bytes.len(),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        read_xlsx(bytes)
    } else if bytes.starts_with(OLE_MAGIC) {
        Err(neither(
            "it looks like a legacy Excel .xls workbook or a password-protected one; \
             save it as .xlsx (without a password) or as CSV and upload that",
        ))
    } else {
        read_csv(bytes)
    }
}

fn neither(detail: &str) -> AppError {
    AppError::Validation(format!("the file is neither CSV nor XLSX: {detail}"))
}

fn read_csv(bytes: &[u8]) -> Result<Vec<FileRow>, AppError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let not_text =
        || neither("it is not UTF-8 text; save it from your spreadsheet as .xlsx or as CSV UTF-8");
    if bytes.contains(&0) {
        return Err(not_text());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| not_text())?;
    // The reader counts lines at `\n`, but ends rows at `\r` too: files from old Mac
    // spreadsheets end lines with `\r` alone, and a file may mix endings. Every ending becomes
    // `\n` (in quoted cells too: a line break in a cell is one either way), so rows are numbered
    // as a spreadsheet shows them.
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let delimiter = delimiter(&text);
    if let Some(line) = quotes::unterminated(&text, delimiter) {
        return Err(AppError::Validation(format!(
            "the CSV file cannot be read: the quoted cell opened on line {line} is never closed \
             (is the file cut off, or a quote missing?)"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut rows = Rows::default();
    // Line breaks inside quoted cells so far, which a spreadsheet keeps within one row.
    let mut breaks_in_cells = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(AppError::Validation(format!(
                    "the CSV file cannot be read near line {line}"
                )));
            }
        }
        breaks_in_cells += record.as_slice().bytes().filter(|b| *b == b'\n').count() as u64;
        let number = row_number_of_csv(&text, reader.position(), breaks_in_cells);
        rows.push(number, record.iter().map(Cell::text).enumerate())?;
    }
    rows.finish()
}

/// The row a spreadsheet shows a record on, from where the reader stopped after it. The reader
/// counts lines at `\n`, including those inside quoted cells (`breaks_in_cells`, up to and
/// including this record's); it has taken a record's `\n` ending but not the `\n` of a `\r\n` one.
fn row_number_of_csv(text: &str, end: &csv::Position, breaks_in_cells: u64) -> usize {
    let ended_by_newline = usize::try_from(end.byte())
        .ok()
        .and_then(|byte| byte.checked_sub(1))
        .and_then(|last| text.as_bytes().get(last))
        == Some(&b'\n');
    let line = end
        .line()
        .saturating_sub(u64::from(ended_by_newline) + breaks_in_cells);
    usize::try_from(line).unwrap_or(usize::MAX)
}

/// The field separator: a comma, unless the first line uses semicolons or tabs instead (as
/// spreadsheets set to languages with a decimal comma write CSV).
fn delimiter(text: &str) -> u8 {
    let first_line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .find(|d| first_line.as_bytes().contains(d))
        .unwrap_or(b',')
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<FileRow>, AppError> {
    // calamine reads parts whole (the shared strings among them): bound what they expand to first.
    archive::check(bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|_| {
        neither("it is a ZIP archive but not an Excel workbook, or the workbook is damaged")
    })?;
    let sheet = workbook
        .sheets_metadata()
        .iter()
        .find(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .ok_or_else(|| AppError::Validation("the workbook has no worksheet".to_owned()))?;
    let damaged = |_| {
        AppError::Validation(format!(
            "the workbook is damaged: its worksheet \"{sheet}\" cannot be read"
        ))
    };
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(damaged)?;
    let mut rows = Rows::default();
    // Cells come row by row; gather one row's cells, then hand the row over.
    let mut row_index = 0;
    let mut row: Vec<(usize, DataRef<'_>)> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(damaged)? {
        let (index, column) = cell.get_position();
        if index != row_index && !row.is_empty() {
            rows.push(row_number(row_index), row.iter().map(to_cell))?;
            row.clear();
        }
        row_index = index;
        if rows.wants(column as usize) {
            row.push((column as usize, cell.get_value().clone()));
        }
    }
    if !row.is_empty() {
        rows.push(row_number(row_index), row.iter().map(to_cell))?;
    }
    rows.finish()
}

fn row_number(index: u32) -> usize {
    index as usize + 1
}

fn to_cell<'a>((column, value): &'a (usize, DataRef<'_>)) -> (usize, Cell<'a>) {
    let cell = match value {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(n) => Cell::Int(*n),
        DataRef::Float(f) => Cell::Float(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::SharedString(text) => Cell::text(text),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            Cell::text(text)
        }
        // A number shown as a date or time is not an id the writer meant (Excel shows 46037
        // as 2026-01-15): read as the date the sheet shows, which no id column accepts.
        DataRef::DateTime(date) => Cell::rendered(match date.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.format("%Y-%m-%d").to_string(),
            Some(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => format!("{} (formatted as a date or time)", date.as_f64()),
        }),
        DataRef::Error(error) => Cell::rendered(error.to_string()),
    };
    (*column, cell)
}
