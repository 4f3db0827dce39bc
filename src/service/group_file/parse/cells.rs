//! One cell of either format, and the readings of it the bulk-edit file allows.

use std::borrow::Cow;

use crate::domain::limits::MAX_FILE_CELL_GROUPS;

/// The longest part of a cell quoted back in a message, in characters.
const QUOTE_CHARS: usize = 40;

/// A cell as read: trimmed text (CSV, XLSX strings) or a typed XLSX value. Blank text is `Empty`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Cell<'a> {
    #[default]
    Empty,
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl<'a> Cell<'a> {
    /// A text cell, trimmed; blank text is `Empty`.
    pub(super) fn text(text: &'a str) -> Self {
        match text.trim() {
            "" => Cell::Empty,
            trimmed => Cell::Text(Cow::Borrowed(trimmed)),
        }
    }

    /// A text cell the reader had to render (dates, error values), trimmed.
    pub(super) fn rendered(text: String) -> Self {
        match text.trim() {
            "" => Cell::Empty,
            trimmed if trimmed.len() == text.len() => Cell::Text(Cow::Owned(text)),
            trimmed => Cell::Text(Cow::Owned(trimmed.to_owned())),
        }
    }

    pub(super) fn is_blank(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as a spreadsheet shows it.
    pub(super) fn shown(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Float(f) => Cow::Owned(f.to_string()),
            Cell::Bool(true) => Cow::Borrowed("TRUE"),
            Cell::Bool(false) => Cow::Borrowed("FALSE"),
        }
    }

    /// The cell as a positive whole number, if it is one.
    fn positive_int(&self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(*n).filter(|n| *n > 0),
            Cell::Float(f) => whole_float(*f),
            Cell::Text(text) => positive_text(text),
            Cell::Empty | Cell::Bool(_) => None,
        }
    }
}

/// Reads the `Partner Id` cell.
pub(super) fn partner_id(cell: &Cell<'_>, column: &str) -> Result<i64, String> {
    if cell.is_blank() {
        return Err(format!("{column} is missing"));
    }
    cell.positive_int().ok_or_else(|| {
        format!(
            "{column} {} is not a positive whole number",
            quote(&cell.shown())
        )
    })
}

/// Reads a list of group ids (`Add To`, `Remove From`): in order, without duplicates.
pub(super) fn id_list(cell: &Cell<'_>, column: &str) -> Result<Vec<i64>, String> {
    let malformed = || {
        format!(
            "malformed list in {column}: {} (expected group ids separated by commas, e.g. 12345, 54321)",
            quote(&cell.shown())
        )
    };
    match cell {
        Cell::Empty => Ok(Vec::new()),
        Cell::Text(text) => {
            if text.split(',').nth(MAX_FILE_CELL_GROUPS).is_some() {
                return Err(format!(
                    "{column} names more than {MAX_FILE_CELL_GROUPS} groups; \
                     a row may name at most {MAX_FILE_CELL_GROUPS} in each column"
                ));
            }
            let mut ids = Vec::new();
            for entry in text.split(',') {
                ids.push(positive_text(entry.trim()).ok_or_else(malformed)?);
            }
            dedup(&mut ids);
            Ok(ids)
        }
        Cell::Int(_) | Cell::Float(_) | Cell::Bool(_) => {
            cell.positive_int().map(|id| vec![id]).ok_or_else(malformed)
        }
    }
}

/// Reads a yes/no cell (`Remove All`): blank is no.
pub(super) fn yes_no(cell: &Cell<'_>, column: &str) -> Result<bool, String> {
    let answer = match cell {
        Cell::Empty => Some(false),
        Cell::Bool(b) => Some(*b),
        Cell::Int(n) => match n {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        Cell::Float(f) if *f == 0.0 => Some(false),
        Cell::Float(f) if *f == 1.0 => Some(true),
        Cell::Float(_) => None,
        Cell::Text(text) => {
            let is = |words: &[&str]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
            if is(&["yes", "y", "true", "1"]) {
                Some(true)
            } else if is(&["no", "n", "false", "0"]) {
                Some(false)
            } else {
                None
            }
        }
    };
    answer.ok_or_else(|| {
        format!(
            "{column} must be YES or NO (or blank), not {}",
            quote(&cell.shown())
        )
    })
}

/// `text` in double quotes, shortened when long, for messages.
pub(super) fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("\"{}…\"", &text[..cut]),
        None => format!("\"{text}\""),
    }
}

fn positive_text(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|n| *n > 0)
}

fn whole_float(f: f64) -> Option<i64> {
    // Beyond 2^53 a float no longer holds every whole number, so it cannot be an id as written.
    const MAX_EXACT: f64 = 9_007_199_254_740_992.0;
    ((1.0..=MAX_EXACT).contains(&f) && f.fract() == 0.0).then_some(f as i64)
}

/// Drops repeated ids, keeping the first of each; lists are short, so a scan beats hashing.
fn dedup(ids: &mut Vec<i64>) {
    if ids.len() > 64 {
        let mut seen = std::collections::HashSet::with_capacity(ids.len());
        ids.retain(|id| seen.insert(*id));
        return;
    }
    let mut kept = 0;
    for i in 0..ids.len() {
        let id = ids[i];
        if !ids[..kept].contains(&id) {
            ids[kept] = id;
            kept += 1;
        }
    }
    ids.truncate(kept);
}
