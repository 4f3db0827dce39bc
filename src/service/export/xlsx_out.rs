//! An Excel workbook written in `rust_xlsxwriter`'s constant-memory mode: each row goes to a
//! temporary file as it is written, so memory does not grow with the rows. A sheet holds at
//! most 1,048,576 rows (Excel's limit); more rows continue on another sheet with the header
//! again. Text cells are strings, never formulas, whatever they start with.

use std::fs::File;
use std::io::{Seek, SeekFrom};

use bytes::Bytes;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use tokio::sync::mpsc;

use super::cells::{Cell, Source};
use super::stream::{cells, Chunk, Ended, Page};
use crate::error::{AppError, AppResult};

/// Chunks of the file as it is sent.
const FILE_CHUNK: usize = 64 * 1024;

/// Rows per sheet, the header included (Excel's limit).
const SHEET_ROWS: u32 = 1_048_576;
/// The most characters Excel keeps in a cell.
const CELL_CHARS: usize = 32_767;

fn failed(err: XlsxError) -> AppError {
    AppError::internal(format!("writing the workbook: {err}"))
}

/// A workbook being written.
pub struct XlsxFile {
    workbook: Workbook,
    labels: Vec<String>,
    sheet: usize,
    row: u32,
    bold: Format,
}

impl XlsxFile {
    /// A workbook with one sheet and its header.
    pub fn new(labels: Vec<String>) -> AppResult<Self> {
        let mut file = XlsxFile {
            workbook: Workbook::new(),
            labels,
            sheet: 0,
            row: 0,
            bold: Format::new().set_bold(),
        };
        file.add_sheet()?;
        Ok(file)
    }

    fn add_sheet(&mut self) -> AppResult<()> {
        let number = self.workbook.worksheets().len() + 1;
        let sheet = self.workbook.add_worksheet_with_constant_memory();
        let name = if number == 1 {
            "Partners".to_owned()
        } else {
            format!("Partners {number}")
        };
        sheet.set_name(name).map_err(failed)?;
        for (col, label) in self.labels.iter().enumerate() {
            let col = u16::try_from(col).map_err(AppError::internal)?;
            sheet
                .write_string_with_format(0, col, truncated(label).as_ref(), &self.bold)
                .map_err(failed)?;
        }
        self.sheet = number - 1;
        self.row = 1;
        Ok(())
    }

    /// Appends rows.
    pub fn write_rows(&mut self, rows: &[Vec<Cell>]) -> AppResult<()> {
        for cells in rows {
            if self.row >= SHEET_ROWS {
                self.add_sheet()?;
            }
            let row = self.row;
            let sheet = self
                .workbook
                .worksheet_from_index(self.sheet)
                .map_err(failed)?;
            for (col, cell) in cells.iter().enumerate() {
                let col = u16::try_from(col).map_err(AppError::internal)?;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(text) => {
                        sheet
                            .write_string(row, col, truncated(text).as_ref())
                            .map_err(failed)?;
                    }
                    // Exact up to 2^53, far beyond any id or count the list holds.
                    Cell::Int(n) => {
                        sheet.write_number(row, col, *n as f64).map_err(failed)?;
                    }
                    Cell::Number(n) if n.is_finite() => {
                        sheet.write_number(row, col, *n).map_err(failed)?;
                    }
                    Cell::Number(_) => {}
                }
            }
            self.row += 1;
        }
        Ok(())
    }

    /// Writes the workbook to a temporary file (gone once closed) and returns it, rewound.
    pub fn finish(mut self) -> AppResult<File> {
        let mut file = tempfile::tempfile().map_err(AppError::internal)?;
        self.workbook.save_to_writer(&mut file).map_err(failed)?;
        file.seek(SeekFrom::Start(0)).map_err(AppError::internal)?;
        Ok(file)
    }
}

/// What the workbook's writer (a blocking thread) is sent.
enum ToWriter {
    Rows(Vec<Vec<Cell>>),
    /// Every row was sent: save the file and send it.
    Done,
}

/// The workbook is written on a blocking thread while the pages are read; only when every row
/// is in is the file put together (an XLSX file is a ZIP archive) and sent.
pub async fn write(
    mut pages: mpsc::Receiver<Page>,
    sources: Vec<Source>,
    labels: Vec<String>,
    body: mpsc::Sender<Chunk>,
) -> AppResult<Ended> {
    let (rows_in, mut rows_out) = mpsc::channel::<ToWriter>(2);
    let sender = body.clone();
    let writer = tokio::task::spawn_blocking(move || -> AppResult<Ended> {
        let mut file = XlsxFile::new(labels)?;
        loop {
            match rows_out.blocking_recv() {
                Some(ToWriter::Rows(rows)) => file.write_rows(&rows)?,
                Some(ToWriter::Done) => break,
                // The reading side stopped: the client went away, or reading failed.
                None => return Ok(Ended::Stopped),
            }
        }
        let mut file = file.finish()?;
        loop {
            let mut chunk = vec![0u8; FILE_CHUNK];
            let n = std::io::Read::read(&mut file, &mut chunk).map_err(AppError::internal)?;
            if n == 0 {
                return Ok(Ended::Completed);
            }
            chunk.truncate(n);
            if sender.blocking_send(Ok(Bytes::from(chunk))).is_err() {
                return Ok(Ended::Stopped);
            }
        }
    });
    loop {
        // Nothing is sent until the file is complete: a client gone meanwhile shows as the
        // body's channel closing.
        if body.is_closed() {
            break;
        }
        match pages.recv().await {
            Some(Page::Rows(records, related)) => {
                let rows = cells(&records, &related, &sources);
                if rows_in.send(ToWriter::Rows(rows)).await.is_err() {
                    break;
                }
            }
            Some(Page::End) => {
                let _ = rows_in.send(ToWriter::Done).await;
                break;
            }
            None => break,
        }
    }
    drop(rows_in);
    drop(pages);
    writer
        .await
        .map_err(|e| AppError::internal(format!("the workbook writer stopped: {e}")))?
}

/// `text` as a cell holds it: a text longer than Excel keeps is cut to fit and ends with `…`,
/// so a cut cell never looks whole (the CSV has the whole text).
fn truncated(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(CELL_CHARS) {
        Some(_) => {
            let kept = text
                .char_indices()
                .nth(CELL_CHARS - 1)
                .map_or(text, |(at, _)| &text[..at]);
            std::borrow::Cow::Owned(format!("{kept}…"))
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_longer_than_excel_keeps_is_cut_with_a_mark() {
        let fits = "é".repeat(CELL_CHARS);
        assert_eq!(truncated(&fits), fits.as_str());
        let long = "é".repeat(CELL_CHARS + 5);
        let cut = truncated(&long);
        assert_eq!(cut.chars().count(), CELL_CHARS);
        assert!(cut.ends_with("é…"));
        assert_eq!(truncated("short"), "short");
    }
}
