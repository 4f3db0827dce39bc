//! XLSX workbooks, built in memory: typed cells, layouts, damaged files.

use rust_xlsxwriter::{Workbook, Worksheet};

use super::{clean, refusal, rows};

/// A cell to write: text, a number, or a boolean.
enum V {
    S(&'static str),
    N(f64),
    B(bool),
}

fn write(sheet: &mut Worksheet, cells: &[(u32, u16, V)]) {
    for (row, column, value) in cells {
        match value {
            V::S(text) => sheet.write_string(*row, *column, *text).unwrap(),
            V::N(number) => sheet.write_number(*row, *column, *number).unwrap(),
            V::B(flag) => sheet.write_boolean(*row, *column, *flag).unwrap(),
        };
    }
}

/// A workbook of one worksheet holding `cells` (zero-based row, column).
fn workbook(cells: &[(u32, u16, V)]) -> Vec<u8> {
    let mut book = Workbook::new();
    write(book.add_worksheet(), cells);
    book.save_to_buffer().unwrap()
}

fn header() -> Vec<(u32, u16, V)> {
    [
        "Partner Id",
        "Partner Name",
        "Add To",
        "Remove From",
        "Remove All",
    ]
    .into_iter()
    .zip(0..)
    .map(|(name, column)| (0, column, V::S(name)))
    .collect()
}

#[test]
fn an_xlsx_with_numeric_ids_and_text_lists_parses() {
    let mut cells = header();
    cells.extend([
        (1, 0, V::N(101.0)),
        (1, 1, V::S("Acme")),
        (1, 2, V::S("12345, 54321")),
        (1, 4, V::S("no")),
        (3, 0, V::S(" 102 ")),
        (3, 1, V::S("Bolt")),
        (3, 3, V::N(7.0)),
        (3, 4, V::B(true)),
        (4, 1, V::S("only a name")),
        (5, 0, V::N(103.0)),
        (5, 2, V::N(9.0)),
        (5, 3, V::S("10,11,10")),
        (5, 4, V::N(1.0)),
    ]);

    let rows = rows(&workbook(&cells));

    assert_eq!(
        rows,
        vec![
            clean(2, 101, &[12345, 54321], &[], false),
            clean(4, 102, &[], &[7], true),
            clean(6, 103, &[9], &[10, 11], true),
        ]
    );
}

#[test]
fn a_header_lower_and_further_right_keeps_sheet_row_numbers() {
    let cells = [
        (2, 1, V::S("partner_id")),
        (2, 2, V::S("ADD TO")),
        (3, 1, V::N(5.0)),
        (3, 2, V::N(6.0)),
    ];
    assert_eq!(rows(&workbook(&cells)), vec![clean(4, 5, &[6], &[], false)]);
}

#[test]
fn non_integral_numbers_are_row_errors() {
    let mut cells = header();
    cells.extend([(1, 0, V::N(12.5)), (1, 2, V::N(3.25)), (1, 4, V::N(2.0))]);

    let rows = rows(&workbook(&cells));

    assert_eq!(rows[0].partner_id_text, "12.5");
    assert_eq!(
        rows[0].errors,
        [
            "Partner Id \"12.5\" is not a positive whole number",
            "malformed list in Add To: \"3.25\" (expected group ids separated by commas, e.g. 12345, 54321)",
            "Remove All must be YES or NO (or blank), not \"2\"",
        ]
    );
}

#[test]
fn a_text_cell_is_read_like_csv() {
    let mut cells = header();
    cells.extend([(1, 0, V::S("7")), (1, 2, V::S("1,,2")), (1, 4, V::B(false))]);
    let rows = rows(&workbook(&cells));
    assert_eq!(rows[0].partner_id, Some(7));
    assert_eq!(rows[0].errors.len(), 1, "{:?}", rows[0].errors);
    assert!(rows[0].errors[0].starts_with("malformed list in Add To: \"1,,2\""));
}

#[test]
fn only_the_first_worksheet_is_read() {
    let mut book = Workbook::new();
    write(
        book.add_worksheet(),
        &[
            (0, 0, V::S("Partner Id")),
            (0, 1, V::S("Add To")),
            (1, 0, V::N(5.0)),
            (1, 1, V::N(6.0)),
        ],
    );
    write(
        book.add_worksheet(),
        &[
            (0, 0, V::S("Partner Id")),
            (0, 1, V::S("Add To")),
            (1, 0, V::N(8.0)),
            (1, 1, V::N(9.0)),
        ],
    );
    let bytes = book.save_to_buffer().unwrap();
    assert_eq!(rows(&bytes), vec![clean(2, 5, &[6], &[], false)]);
}

#[test]
fn an_empty_workbook_is_an_empty_file() {
    assert_eq!(refusal(&workbook(&[])), "the file is empty");
    assert_eq!(
        refusal(&workbook(&[(3, 3, V::S("  "))])),
        "the file is empty"
    );
}

#[test]
fn an_xlsx_header_problem_is_refused_like_csv() {
    let message = refusal(&workbook(&[(0, 0, V::S("Partner Id")), (1, 0, V::N(5.0))]));
    assert!(message.starts_with("no recognisable header"), "{message}");
}

#[test]
fn a_truncated_workbook_is_refused() {
    let bytes = workbook(&header());
    let message = refusal(&bytes[..bytes.len() / 2]);
    assert!(
        message.starts_with("the file is neither CSV nor XLSX"),
        "{message}"
    );
}

#[test]
fn numbers_shown_as_dates_are_not_ids() {
    // Excel shows 46037 formatted `yyyy-mm-dd` as 2026-01-15: a date, not partner 46037.
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write(sheet, &header());
    sheet
        .write_number_with_format(1, 0, 46037.0, &date)
        .unwrap();
    sheet
        .write_number_with_format(1, 2, 46038.0, &date)
        .unwrap();
    let rows = rows(&book.save_to_buffer().unwrap());

    assert_eq!(rows[0].partner_id, None);
    assert_eq!(
        rows[0].partner_id_text, "2026-01-15",
        "as the sheet shows it"
    );
    assert!(rows[0].add_to.is_empty());
    assert_eq!(
        rows[0].errors,
        [
            "Partner Id \"2026-01-15\" is not a positive whole number",
            "malformed list in Add To: \"2026-01-16\" (expected group ids separated by commas, e.g. 12345, 54321)",
        ]
    );
}

#[test]
fn a_cell_naming_too_many_groups_is_a_row_error() {
    let many = (1..=101)
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let most = (1..=100)
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let mut cells = header();
    cells.extend([(1, 0, V::N(7.0)), (1, 2, V::S(leak(most)))]);
    cells.extend([(2, 0, V::N(8.0)), (2, 3, V::S(leak(many)))]);
    let rows = rows(&workbook(&cells));

    assert_eq!(rows[0].add_to.len(), 100);
    assert!(rows[0].errors.is_empty(), "{:?}", rows[0].errors);
    assert!(rows[1].remove_from.is_empty());
    assert_eq!(
        rows[1].errors,
        ["Remove From names more than 100 groups; a row may name at most 100 in each column"]
    );
}

#[test]
fn one_shared_string_repeated_on_every_row_cannot_fan_out() {
    // Every row's `Add To` is the same shared string of 100 ids: a small file, but 10,001 rows
    // name 1,000,100 group ids, past the file's limit of a million.
    let list = leak(
        (1..=100)
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(","),
    );
    let mut cells = header();
    for row in 1..=10_001 {
        cells.extend([(row, 0, V::N(f64::from(row))), (row, 2, V::S(list))]);
    }
    let bytes = workbook(&cells);
    assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());

    assert_eq!(
        refusal(&bytes),
        "the file names more than 1000000 group ids in all (row 10002 goes past it); \
         split it into smaller files"
    );
    // One row fewer is within the limit.
    cells.truncate(cells.len() - 2);
    assert_eq!(rows(&workbook(&cells)).len(), 10_000);
}

/// A test's text for the `'static` cells.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}
