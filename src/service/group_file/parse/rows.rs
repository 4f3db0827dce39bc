//! The header of a bulk-edit file and the data rows below it, whichever format they came in.

use std::collections::hash_map::{Entry, HashMap};

use super::cells::{self, Cell};
use super::{FileRow, MAX_ROWS};
use crate::domain::limits::MAX_FILE_GROUP_IDS;
use crate::error::AppError;

const PARTNER_ID: usize = 0;
const ADD_TO: usize = 1;
const REMOVE_FROM: usize = 2;
const REMOVE_ALL: usize = 3;

/// The recognised columns: their names as the product writes them, and as matched.
const NAMES: [(&str, &str); 4] = [
    ("Partner Id", "partnerid"),
    ("Add To", "addto"),
    ("Remove From", "removefrom"),
    ("Remove All", "removeall"),
];

/// Collects the rows of a file: the first non-blank row is the header, the rest are data.
#[derive(Debug, Default)]
pub(super) struct Rows {
    /// The column holding each recognised field, once the header is read.
    header: Option<[Option<usize>; 4]>,
    rows: Vec<FileRow>,
    first_row_of: HashMap<i64, usize>,
    /// Group ids named by the rows so far (`Add To` and `Remove From`).
    group_ids: usize,
}

impl Rows {
    /// Whether a cell in `column` matters: any cell before the header, recognised ones after.
    pub(super) fn wants(&self, column: usize) -> bool {
        self.header
            .is_none_or(|header| header.contains(&Some(column)))
    }

    /// Takes the row numbered `number` (as a spreadsheet shows it) given as `(column, cell)`.
    pub(super) fn push<'c>(
        &mut self,
        number: usize,
        cells: impl IntoIterator<Item = (usize, Cell<'c>)>,
    ) -> Result<(), AppError> {
        let Some(header) = self.header else {
            let cells: Vec<_> = cells.into_iter().filter(|(_, c)| !c.is_blank()).collect();
            if !cells.is_empty() {
                self.header = Some(read_header(&cells)?);
            }
            return Ok(());
        };
        let mut fields: [Cell<'c>; 4] = Default::default();
        for (column, cell) in cells {
            if let Some(field) = header.iter().position(|c| *c == Some(column)) {
                fields[field] = cell;
            }
        }
        if fields.iter().all(Cell::is_blank) {
            return Ok(());
        }
        if self.rows.len() == MAX_ROWS {
            return Err(AppError::Validation(format!(
                "the file has more than {MAX_ROWS} data rows; split it into smaller files"
            )));
        }
        let row = self.read_row(number, &fields);
        self.group_ids += row.add_to.len() + row.remove_from.len();
        if self.group_ids > MAX_FILE_GROUP_IDS {
            return Err(AppError::Validation(format!(
                "the file names more than {MAX_FILE_GROUP_IDS} group ids in all (row {number} \
                 goes past it); split it into smaller files"
            )));
        }
        self.rows.push(row);
        Ok(())
    }

    /// The data rows read, once the whole file has been pushed.
    pub(super) fn finish(self) -> Result<Vec<FileRow>, AppError> {
        if self.header.is_none() {
            return Err(AppError::Validation("the file is empty".to_owned()));
        }
        if self.rows.is_empty() {
            return Err(AppError::Validation(
                "the file has a header but no data rows below it".to_owned(),
            ));
        }
        Ok(self.rows)
    }

    fn read_row(&mut self, number: usize, fields: &[Cell<'_>; 4]) -> FileRow {
        let mut errors = Vec::new();
        let e = &mut errors;
        let partner_id = or_note(
            e,
            cells::partner_id(&fields[PARTNER_ID], NAMES[PARTNER_ID].0).map(Some),
        );
        let add_to = or_note(e, cells::id_list(&fields[ADD_TO], NAMES[ADD_TO].0));
        let remove_from = or_note(
            e,
            cells::id_list(&fields[REMOVE_FROM], NAMES[REMOVE_FROM].0),
        );
        let remove_all = or_note(e, cells::yes_no(&fields[REMOVE_ALL], NAMES[REMOVE_ALL].0));
        for group in both(&add_to, &remove_from) {
            errors.push(format!("group {group} is both added and removed"));
        }
        if let Some(id) = partner_id {
            match self.first_row_of.entry(id) {
                Entry::Occupied(first) => errors.push(format!(
                    "partner {id} is already on row {}; give each partner one row",
                    first.get()
                )),
                Entry::Vacant(slot) => {
                    slot.insert(number);
                }
            }
        }
        FileRow {
            row: number,
            partner_id_text: fields[PARTNER_ID].shown().into_owned(),
            partner_id,
            add_to,
            remove_from,
            remove_all,
            errors,
        }
    }
}

/// The value read, or its default with the problem noted in `errors`.
fn or_note<T: Default>(errors: &mut Vec<String>, result: Result<T, String>) -> T {
    result.unwrap_or_else(|message| {
        errors.push(message);
        T::default()
    })
}

/// Finds the recognised columns in the header row (given without blank cells).
fn read_header(cells: &[(usize, Cell<'_>)]) -> Result<[Option<usize>; 4], AppError> {
    let mut header = [None; 4];
    for (column, cell) in cells {
        let key: String = cell
            .shown()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        let Some(field) = NAMES.iter().position(|(_, k)| *k == key) else {
            continue;
        };
        if let Some(first) = header[field] {
            return Err(AppError::Validation(format!(
                "the header has two {} columns ({} and {}); keep one",
                NAMES[field].0,
                column_letters(first),
                column_letters(*column)
            )));
        }
        header[field] = Some(*column);
    }
    let expected = "no recognisable header: the first row must name the columns \
                    Partner Id, Add To, Remove From, Remove All";
    if header[PARTNER_ID].is_none() {
        return Err(AppError::Validation(format!(
            "{expected} (there is no Partner Id column)"
        )));
    }
    if header[ADD_TO..].iter().all(Option::is_none) {
        return Err(AppError::Validation(format!(
            "{expected} (there is none of Add To, Remove From, Remove All)"
        )));
    }
    Ok(header)
}

/// The groups of `add` that `remove` names too.
fn both<'a>(add: &'a [i64], remove: &'a [i64]) -> impl Iterator<Item = i64> + 'a {
    // Lists are short; a set only pays off when a hand-made file holds thousands of ids.
    let removed: Option<std::collections::HashSet<i64>> =
        (add.len().saturating_mul(remove.len()) > 4096).then(|| remove.iter().copied().collect());
    add.iter().copied().filter(move |id| match &removed {
        Some(set) => set.contains(id),
        None => remove.contains(id),
    })
}

/// A zero-based column index as a spreadsheet names it (`A`, `B`, ..., `AA`).
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}
