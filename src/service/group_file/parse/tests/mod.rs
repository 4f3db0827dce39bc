//! Tests of the bulk-edit file parser: shared helpers, and the file-level checks.
#![allow(clippy::unwrap_used)]

mod csv;
mod row_errors;
mod xlsx;

use super::{parse, FileRow, MAX_FILE_BYTES, MAX_ROWS};
use crate::error::AppError;

const HEADER: &str = "Partner Id,Add To,Remove From,Remove All\n";

/// The rows of a file that must parse.
fn rows(bytes: &[u8]) -> Vec<FileRow> {
    match parse(bytes) {
        Ok(rows) => rows,
        Err(e) => panic!("expected rows, got {e:?}"),
    }
}

/// The message of a file that must be refused.
fn refusal(bytes: &[u8]) -> String {
    match parse(bytes) {
        Err(AppError::Validation(message)) => message,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The errors of the one data row below the standard header.
fn errors_of(line: &str) -> Vec<String> {
    let rows = rows(format!("{HEADER}{line}\n").as_bytes());
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap().errors
}

/// A clean row, for comparing whole results.
fn clean(
    row: usize,
    partner: i64,
    add_to: &[i64],
    remove_from: &[i64],
    remove_all: bool,
) -> FileRow {
    FileRow {
        row,
        partner_id_text: partner.to_string(),
        partner_id: Some(partner),
        add_to: add_to.to_vec(),
        remove_from: remove_from.to_vec(),
        remove_all,
        errors: Vec::new(),
    }
}

#[test]
fn a_file_with_no_bytes_is_empty() {
    assert_eq!(refusal(b""), "the file is empty");
}

#[test]
fn a_file_of_whitespace_and_blank_rows_is_empty() {
    assert_eq!(refusal(b"  \n\n \t \r\n"), "the file is empty");
    assert_eq!(refusal(b",,,\n , ,\n\n"), "the file is empty");
    assert_eq!(refusal(b"\xEF\xBB\xBF\n"), "the file is empty");
}

#[test]
fn a_header_without_data_rows_is_refused() {
    let message = refusal(format!("{HEADER},,,\n").as_bytes());
    assert!(message.contains("no data rows"), "{message}");
}

#[test]
fn a_header_without_partner_id_is_refused() {
    let message = refusal(b"Partner,Add To\n1,2\n");
    assert!(message.starts_with("no recognisable header"), "{message}");
    assert!(message.contains("no Partner Id column"), "{message}");
}

#[test]
fn a_header_without_any_action_column_is_refused() {
    let message = refusal(b"Partner Id,Partner Name\n1,Acme\n");
    assert!(message.starts_with("no recognisable header"), "{message}");
    assert!(
        message.contains("none of Add To, Remove From, Remove All"),
        "{message}"
    );
}

#[test]
fn a_title_row_above_the_header_is_not_a_header() {
    let message = refusal(b"Group changes for May\nPartner Id,Add To\n1,2\n");
    assert!(message.starts_with("no recognisable header"), "{message}");
}

#[test]
fn a_repeated_header_is_refused_naming_both_columns() {
    let message = refusal(b"Partner Id,Add To,Partner Name,add_to\n1,2,Acme,3\n");
    assert_eq!(
        message,
        "the header has two Add To columns (B and D); keep one"
    );
}

#[test]
fn nul_bytes_are_not_csv() {
    let message = refusal(b"Partner Id,Add To\n1,\x002\n");
    assert!(
        message.starts_with("the file is neither CSV nor XLSX"),
        "{message}"
    );
}

#[test]
fn invalid_utf8_is_not_csv() {
    let message = refusal(b"\x89PNG\r\n\x1a\nxx\xff\xfe");
    assert!(
        message.starts_with("the file is neither CSV nor XLSX"),
        "{message}"
    );
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn a_legacy_xls_workbook_is_refused_with_advice() {
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.resize(4096, 0);
    let message = refusal(&bytes);
    assert!(
        message.starts_with("the file is neither CSV nor XLSX"),
        "{message}"
    );
    assert!(message.contains(".xls"), "{message}");
    assert!(message.contains("save it as .xlsx"), "{message}");
}

#[test]
fn a_zip_that_is_not_a_workbook_is_refused() {
    let message = refusal(b"PK\x03\x04 this is not really a zip archive");
    assert!(
        message.starts_with("the file is neither CSV nor XLSX"),
        "{message}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.resize(MAX_FILE_BYTES + 1, b'\n');
    let message = refusal(&bytes);
    assert!(message.contains("too large"), "{message}");
    assert!(message.contains("10 MB"), "{message}");
}

#[test]
fn a_file_at_the_size_limit_is_read() {
    let mut bytes = format!("{HEADER}1,2\n").into_bytes();
    bytes.resize(MAX_FILE_BYTES, b'\n');
    assert_eq!(rows(&bytes).len(), 1);
}

#[test]
fn more_than_max_rows_data_rows_are_refused() {
    let mut text = String::from(HEADER);
    for id in 1..=MAX_ROWS + 1 {
        text.push_str(&format!("{id},7\n"));
    }
    let message = refusal(text.as_bytes());
    assert!(message.contains("more than 100000 data rows"), "{message}");
}

#[test]
fn fifty_thousand_rows_parse() {
    let mut text = String::from("Partner Id,Partner Name,Add To,Remove From,Remove All\n");
    for id in 1..=50_000 {
        text.push_str(&format!("{id},Partner {id},\"10, 11\",12,NO\n"));
    }
    let rows = rows(text.as_bytes());
    assert_eq!(rows.len(), 50_000);
}
