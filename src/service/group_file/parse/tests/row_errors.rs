//! Rows that parse with errors: each is kept, with what is wrong said for the user.

use super::{errors_of, rows, HEADER};

#[test]
fn a_blank_partner_id_on_a_filled_row_is_missing() {
    assert_eq!(errors_of(",1,,"), ["Partner Id is missing"]);
}

#[test]
fn a_partner_id_that_is_not_a_positive_whole_number_is_quoted() {
    for (cell, shown) in [
        ("abc", "\"abc\""),
        ("0", "\"0\""),
        ("-5", "\"-5\""),
        ("12.5", "\"12.5\""),
        ("12 345", "\"12 345\""),
    ] {
        assert_eq!(
            errors_of(&format!("{cell},1,,")),
            [format!("Partner Id {shown} is not a positive whole number")],
            "{cell}"
        );
    }
}

#[test]
fn a_bad_partner_id_keeps_its_text_and_has_no_id() {
    let rows = rows(format!("{HEADER} abc ,1,,\n").as_bytes());
    assert_eq!(rows[0].partner_id_text, "abc");
    assert_eq!(rows[0].partner_id, None);
    assert_eq!(rows[0].add_to, [1]);
}

#[test]
fn malformed_group_lists_are_quoted_whole() {
    let hint = "(expected group ids separated by commas, e.g. 12345, 54321)";
    for cell in [
        "12,,34", "12,", ",12", "12;34", "abc", "0", "-3", "1.5", "12 34",
    ] {
        assert_eq!(
            errors_of(&format!("5,\"{cell}\",,")),
            [format!("malformed list in Add To: \"{cell}\" {hint}")],
            "{cell}"
        );
        assert_eq!(
            errors_of(&format!("5,,\"{cell}\",")),
            [format!("malformed list in Remove From: \"{cell}\" {hint}")],
            "{cell}"
        );
    }
}

#[test]
fn a_malformed_list_leaves_that_list_empty() {
    let rows = rows(format!("{HEADER}5,\"1,,2\",3,\n").as_bytes());
    assert!(rows[0].add_to.is_empty());
    assert_eq!(rows[0].remove_from, [3]);
}

#[test]
fn remove_all_other_than_yes_or_no_is_an_error() {
    assert_eq!(
        errors_of("5,,,maybe"),
        ["Remove All must be YES or NO (or blank), not \"maybe\""]
    );
    assert_eq!(
        errors_of("5,,,2"),
        ["Remove All must be YES or NO (or blank), not \"2\""]
    );
}

#[test]
fn a_group_both_added_and_removed_is_an_error() {
    assert_eq!(
        errors_of("5,\"1, 2, 3\",\"3, 4, 1\","),
        [
            "group 1 is both added and removed",
            "group 3 is both added and removed"
        ]
    );
}

#[test]
fn a_partner_on_two_rows_is_an_error_on_the_later_row() {
    let rows = rows(format!("{HEADER}5,1,,\n6,1,,\n\n5,2,,\n5,,,yes\n").as_bytes());
    assert!(rows[0].errors.is_empty());
    assert!(rows[1].errors.is_empty());
    assert_eq!(
        rows[2].errors,
        ["partner 5 is already on row 2; give each partner one row"]
    );
    assert_eq!(
        rows[3].errors,
        ["partner 5 is already on row 2; give each partner one row"]
    );
    assert_eq!(rows[2].row, 5);
}

#[test]
fn every_problem_of_a_row_is_reported() {
    assert_eq!(
        errors_of("x,\"1,\",a,perhaps"),
        [
            "Partner Id \"x\" is not a positive whole number",
            "malformed list in Add To: \"1,\" (expected group ids separated by commas, e.g. 12345, 54321)",
            "malformed list in Remove From: \"a\" (expected group ids separated by commas, e.g. 12345, 54321)",
            "Remove All must be YES or NO (or blank), not \"perhaps\"",
        ]
    );
}

#[test]
fn long_values_are_shortened_in_messages() {
    let long = "9".repeat(30) + &"x".repeat(30);
    let errors = errors_of(&format!("{long},1,,"));
    assert_eq!(
        errors,
        [format!(
            "Partner Id \"{}{}…\" is not a positive whole number",
            "9".repeat(30),
            "x".repeat(10)
        )]
    );
}

#[test]
fn a_csv_cell_naming_too_many_groups_is_a_row_error() {
    let many = (1..=101)
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        errors_of(&format!("5,\"{many}\",,")),
        ["Add To names more than 100 groups; a row may name at most 100 in each column"]
    );
}
