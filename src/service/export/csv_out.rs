//! CSV rows: UTF-8 (with a byte order mark when asked, so Excel reads it as UTF-8), quoted as
//! RFC 4180 by the `csv` crate, and every text cell that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) neutralised with a leading
//! `'` (OWASP's advice against CSV injection). Numbers the export itself writes are left as
//! they are.

use std::borrow::Cow;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::cells::{Cell, Source};
use super::stream::{cells, Chunk, Ended, Page};
use crate::error::{AppError, AppResult};

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A text cell made safe to open in a spreadsheet.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

fn field(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(text) => neutralise(text),
        Cell::Int(n) => Cow::Owned(n.to_string()),
        Cell::Number(n) if n.is_finite() => Cow::Owned(n.to_string()),
        Cell::Number(_) => Cow::Borrowed(""),
    }
}

/// Encodes rows of cells (or the header) as CSV bytes.
pub fn encode<'a>(rows: impl IntoIterator<Item = Vec<Cow<'a, str>>>) -> AppResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(64 * 1024));
    for row in rows {
        writer
            .write_record(row.iter().map(|c| c.as_bytes()))
            .map_err(AppError::internal)?;
    }
    writer.into_inner().map_err(AppError::internal)
}

/// The CSV fields of a row.
pub fn fields(row: &[Cell]) -> Vec<Cow<'_, str>> {
    row.iter().map(field).collect()
}

/// The header row: the labels, neutralised too (a custom field may be named anything).
pub fn header(labels: &[String]) -> Vec<Cow<'_, str>> {
    labels.iter().map(|l| neutralise(l)).collect()
}

/// Writes CSV: the header at once, then each page as it comes.
pub async fn write(
    mut pages: mpsc::Receiver<Page>,
    sources: Vec<Source>,
    labels: Vec<String>,
    bom: bool,
    body: mpsc::Sender<Chunk>,
) -> AppResult<Ended> {
    let mut first = Vec::new();
    if bom {
        first.extend_from_slice(BOM);
    }
    first.extend(encode([header(&labels)])?);
    if body.send(Ok(Bytes::from(first))).await.is_err() {
        return Ok(Ended::Stopped);
    }
    loop {
        match pages.recv().await {
            Some(Page::Rows(records, related)) => {
                let rows = cells(&records, &related, &sources);
                let bytes = encode(rows.iter().map(|r| fields(r)))?;
                if body.send(Ok(Bytes::from(bytes))).await.is_err() {
                    return Ok(Ended::Stopped);
                }
            }
            Some(Page::End) => return Ok(Ended::Completed),
            // The reader stopped before the end: it failed, and says so.
            None => return Ok(Ended::Stopped),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(field(&Cell::Int(-5)), "-5");
        assert_eq!(field(&Cell::Number(-1.5)), "-1.5");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let bytes = encode([fields(&[
            Cell::Text("a,b".into()),
            Cell::Text("say \"hi\"".into()),
            Cell::Empty,
        ])])
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",\r\n"
        );
    }
}
