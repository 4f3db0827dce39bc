//! A CSV file that ends inside a quoted cell. The CSV reader takes the rest of the file into
//! that cell without complaint, so a file cut off in the middle of a quoted list (`2,"12, 3`)
//! would be applied as if whole, and the rows after a stray opening quote would vanish into one
//! cell. Scanning the quoting as the reader does (RFC 4180: a cell is quoted when it starts
//! with `"`; `""` inside is a quote; after the closing quote the cell goes on unquoted) finds
//! where such a cell opened.

/// The line (1-based, counted at `\n`) of the quote that opens a cell the text never closes.
pub fn unterminated(text: &str, delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut line, mut opened) = (State::CellStart, 1, 0);
    for &byte in text.as_bytes() {
        let ends_cell = byte == delimiter || byte == b'\n' || byte == b'\r';
        state = match (state, byte) {
            (State::CellStart, b'"') => {
                opened = line;
                State::Quoted
            }
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, _) if ends_cell => State::CellStart,
            _ => State::Unquoted,
        };
        if byte == b'\n' {
            line += 1;
        }
    }
    (state == State::Quoted).then_some(opened)
}

#[cfg(test)]
mod tests {
    use super::unterminated;

    #[test]
    fn a_quote_left_open_at_the_end_is_found_on_its_line() {
        assert_eq!(
            unterminated("Partner Id,Add To\n1,11\n99999,\"12\n", b','),
            Some(3)
        );
        assert_eq!(unterminated("a,b\n2,\"12", b','), Some(2));
        assert_eq!(unterminated("a;b\n\"x;\"\"y\n\nz", b';'), Some(2));
    }

    #[test]
    fn closed_escaped_and_inner_quotes_are_fine() {
        for text in [
            "a,b\n1,\"12, 3\"\n",
            "a,b\n1,\"line\nbreak\",x\n",
            "a,b\n1,\"say \"\"hi\"\"\"\n",
            "a,b\n1,ab\"c\n",
            "a,b\n1,\"x\"y,\"z\"\n",
            "a,b\n1,\"\"",
            "",
        ] {
            assert_eq!(unterminated(text, b','), None, "{text:?}");
        }
        assert_eq!(unterminated("a\t\"b\"\t\"c\"\"\"", b'\t'), None);
    }
}
