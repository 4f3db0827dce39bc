//! Which characters text may hold. NUL (U+0000) cannot be stored by PostgreSQL and ends strings
//! in SQLite's C interfaces (its full-text index among them), so it is refused everywhere text
//! enters, on both databases alike. The other control characters (Unicode category Cc: U+0001
//! to U+001F and U+007F to U+009F) are invisible, break exports and terminals, and no screen
//! types them: refused too, except tab, line feed and carriage return in multi-line text
//! (descriptions, paragraph answers). One-line text also refuses the Unicode line and paragraph
//! separators (U+2028, U+2029), line breaks by another name; and no text holds a noncharacter
//! (U+FFFE, U+FFFF and the other 64, reserved for a program's own use, never for interchange).

/// Whether text is one line (names, e-mail, URLs, search terms) or may span lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// No control character at all.
    Single,
    /// Tab, line feed and carriage return allowed.
    Multi,
}

/// The first character of `text` that it may not hold, if any.
pub fn forbidden_char(text: &str, lines: Lines) -> Option<char> {
    text.chars().find(|c| {
        let line_break = matches!(c, '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}');
        (c.is_control() || line_break || is_noncharacter(*c))
            && !(lines == Lines::Multi && line_break)
    })
}

/// U+FDD0 to U+FDEF, and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE, ...).
fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// Whether `text` shows nothing: only whitespace and invisible format characters (zero-width
/// space, joiners, word joiner, byte-order mark, soft hyphen, Mongolian vowel separator). A
/// required name of only a zero-width space is as blank as an empty one.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200B}'
                    | '\u{200C}'
                    | '\u{200D}'
                    | '\u{2060}'
                    | '\u{FEFF}'
                    | '\u{00AD}'
                    | '\u{180E}'
            )
    })
}

/// "must not contain control characters (U+0000 found)", for a message about `text` (line
/// separators and noncharacters named as such).
pub fn forbidden_char_message(c: char) -> String {
    let what = if matches!(c, '\u{2028}' | '\u{2029}') {
        "line or paragraph separators"
    } else if is_noncharacter(c) {
        "noncharacters"
    } else {
        "control characters"
    };
    format!("must not contain {what} (U+{:04X} found)", u32::from(c))
}

/// Text as the server compares it ignoring case (search text and terms, folded answers, group,
/// field and option names): lower-cased, with a Greek sigma as `σ` wherever it stands.
/// `str::to_lowercase` writes `ς` at the end of a word, and the end of a search term is the end
/// of its word: `ΑΣ` found nothing in `ΑΣΑ` (migration `000036` folds stored text the same way).
pub fn fold_case(text: &str) -> String {
    text.to_lowercase().replace('ς', "σ")
}

/// Whether `s` has the shape of an RFC 3339 `full-date`: four, two and two digits joined by `-`
/// (no sign, no short month or day: chrono's `%Y-%m-%d` alone takes `2026-1-1` and `+2026-01-01`).
pub fn is_full_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_control_characters_are_found() {
        assert_eq!(forbidden_char("Trail\0Gear", Lines::Multi), Some('\0'));
        assert_eq!(forbidden_char("a\u{1b}[31m", Lines::Single), Some('\u{1b}'));
        assert_eq!(forbidden_char("two\nlines", Lines::Single), Some('\n'));
        assert_eq!(forbidden_char("two\r\nlines\tok", Lines::Multi), None);
        assert_eq!(forbidden_char("Café – 東京 🚀", Lines::Single), None);
        assert_eq!(forbidden_char("\u{85}", Lines::Multi), Some('\u{85}'));
        assert_eq!(
            forbidden_char("a\u{2028}b", Lines::Single),
            Some('\u{2028}')
        );
        assert_eq!(
            forbidden_char("x\u{2029}y", Lines::Single),
            Some('\u{2029}')
        );
        assert_eq!(forbidden_char("a\u{2028}b\u{2029}", Lines::Multi), None);
        assert_eq!(forbidden_char("a\u{FFFE}", Lines::Multi), Some('\u{FFFE}'));
        assert_eq!(forbidden_char("\u{FDD0}", Lines::Single), Some('\u{FDD0}'));
        assert_eq!(
            forbidden_char("\u{10FFFF}", Lines::Single),
            Some('\u{10FFFF}')
        );
        assert_eq!(
            forbidden_char("\u{FFFD}\u{FDCF}\u{FDF0}", Lines::Single),
            None
        );
        assert_eq!(
            forbidden_char_message('\u{2028}'),
            "must not contain line or paragraph separators (U+2028 found)"
        );
        assert_eq!(
            forbidden_char_message('\0'),
            "must not contain control characters (U+0000 found)"
        );
    }

    #[test]
    fn invisible_text_is_blank() {
        assert!(
            is_blank("")
                && is_blank(" \t")
                && is_blank("\u{200B}")
                && is_blank(" \u{FEFF}\u{2060} ")
        );
        assert!(!is_blank("a\u{200B}") && !is_blank("\u{200D}👍"));
    }

    #[test]
    fn a_sigma_folds_the_same_wherever_it_stands() {
        assert_eq!(fold_case("ΑΣ"), fold_case("ασα")[..4]);
        assert_eq!(fold_case("ΟΔΟΣ rt"), fold_case("οδοσ rt"));
        assert_eq!(fold_case("οδος"), "οδοσ");
        assert_eq!(fold_case("Café ÜBER"), "café über");
    }
}
