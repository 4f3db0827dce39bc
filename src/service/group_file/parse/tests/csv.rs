//! CSV files that parse: header variants, layouts, row numbers.

use super::{clean, rows, HEADER};

#[test]
fn a_csv_with_bom_quoted_lists_extra_column_and_blank_rows_parses() {
    let text = "\u{FEFF}partner_id, Partner Name ,ADD TO,remove-from,RemoveAll\r\n\
                101,Acme,\"12345, 54321\",,\r\n\
                \r\n\
                102,\"Bolt, Inc.\",,\" 7 ,8\",yes\r\n\
                ,Only a name,,,\r\n\
                ,,,,\r\n\
                103,Corp,9,10,NO\r\n";

    let rows = rows(text.as_bytes());

    assert_eq!(
        rows,
        vec![
            clean(2, 101, &[12345, 54321], &[], false),
            clean(4, 102, &[], &[7, 8], true),
            clean(7, 103, &[9], &[10], false),
        ]
    );
}

#[test]
fn headers_match_whatever_their_case_spacing_and_separators() {
    for header in [
        "Partner Id,Add To",
        "partner id,add to",
        "PARTNER_ID,ADD_TO",
        "PartnerId,AddTo",
        "  partner-id  ,\tAdd  To ",
    ] {
        let rows = rows(format!("{header}\n5,6\n").as_bytes());
        assert_eq!(rows, vec![clean(2, 5, &[6], &[], false)], "{header}");
    }
}

#[test]
fn one_action_column_is_enough() {
    let rows = rows(b"Remove All,Partner Id\nyes,5\n");
    assert_eq!(rows, vec![clean(2, 5, &[], &[], true)]);
}

#[test]
fn blank_lines_above_the_header_count_as_rows() {
    let rows = rows(b"\n,,\nPartner Id,Add To\n5,6\n\n7,8\n");
    assert_eq!(
        rows,
        vec![clean(4, 5, &[6], &[], false), clean(6, 7, &[8], &[], false)]
    );
}

#[test]
fn a_line_break_inside_a_quoted_cell_keeps_spreadsheet_row_numbers() {
    let rows = rows(b"Partner Id,Partner Name,Add To\n5,\"two\nlines\",6\n7,x,8\n");
    assert_eq!(
        rows,
        vec![clean(2, 5, &[6], &[], false), clean(3, 7, &[8], &[], false)]
    );
}

#[test]
fn old_mac_line_endings_are_read() {
    let rows = rows(b"Partner Id,Add To\r5,6\r7,8\r");
    assert_eq!(
        rows,
        vec![clean(2, 5, &[6], &[], false), clean(3, 7, &[8], &[], false)]
    );
}

#[test]
fn old_mac_line_endings_with_a_line_break_in_a_cell_number_rows_as_a_spreadsheet() {
    let rows = rows(b"Partner Id,Partner Name,Add To\r5,\"two\nlines\",6\r7,x,8\r9,y,10\r");
    let numbers: Vec<usize> = rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, [2, 3, 4]);
}

#[test]
fn mixed_line_endings_number_rows_as_a_spreadsheet() {
    let rows = rows(b"Partner Id,Add To\r\n5,6\r7,8\n9,10\r\n");
    assert_eq!(
        rows,
        vec![
            clean(2, 5, &[6], &[], false),
            clean(3, 7, &[8], &[], false),
            clean(4, 9, &[10], &[], false)
        ]
    );
}

#[test]
fn semicolon_and_tab_separated_files_are_read() {
    let semicolons = rows(b"Partner Id;Add To;Remove From\n5;12345, 54321;7\n");
    assert_eq!(semicolons, vec![clean(2, 5, &[12345, 54321], &[7], false)]);
    let tabs = rows(b"Partner Id\tAdd To\n5\t\"1,2\"\n");
    assert_eq!(tabs, vec![clean(2, 5, &[1, 2], &[], false)]);
}

#[test]
fn rows_shorter_or_longer_than_the_header_are_read() {
    let rows = rows(format!("{HEADER}5,6\n7,,8,no,extra,cells\n").as_bytes());
    assert_eq!(
        rows,
        vec![clean(2, 5, &[6], &[], false), clean(3, 7, &[], &[8], false)]
    );
}

#[test]
fn repeated_ids_in_one_cell_are_dropped_keeping_file_order() {
    let rows = rows(format!("{HEADER}5,\"3, 1, 3, 2, 1\",\"9,9\",\n").as_bytes());
    assert_eq!(rows, vec![clean(2, 5, &[3, 1, 2], &[9], false)]);
}

#[test]
fn remove_all_with_add_to_means_leave_the_others_and_join_these() {
    let rows = rows(format!("{HEADER}5,\"1,2\",,YES\n").as_bytes());
    assert_eq!(rows, vec![clean(2, 5, &[1, 2], &[], true)]);
}

#[test]
fn remove_all_reads_the_usual_spellings() {
    for (cell, expected) in [
        ("YES", true),
        ("y", true),
        ("True", true),
        ("1", true),
        ("", false),
        ("no", false),
        ("N", false),
        ("FALSE", false),
        ("0", false),
    ] {
        let rows = rows(format!("{HEADER}5,,,{cell}\n").as_bytes());
        assert_eq!(rows, vec![clean(2, 5, &[], &[], expected)], "{cell}");
    }
}

#[test]
fn the_partner_id_is_echoed_trimmed_as_written() {
    let rows = rows(format!("{HEADER}  +42 ,1\n").as_bytes());
    assert_eq!(rows[0].partner_id_text, "+42");
    assert_eq!(rows[0].partner_id, Some(42));
}
