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
