//! Bounds on the raw request, checked before anything recurses over it: the query's size and
//! bracket nesting on its text (the parser recurses on nesting) and the variables' nesting.
//! What the parsed operations expand to is [`super::expansion`]'s.

use async_graphql_value::ConstValue;

use super::Limits;
use crate::error::AppError;

/// Refuses a query text over the size limit or nested deeper than the limit (counting `{`,
/// `[` and `(` outside strings and comments).
pub fn check_text(query: &str, limits: &Limits) -> Result<(), AppError> {
    if query.len() > limits.max_query_bytes {
        return Err(AppError::Validation(format!(
            "the query is {} bytes long; at most {} are accepted",
            query.len(),
            limits.max_query_bytes
        )));
    }
    let deepest = nesting(query);
    if deepest > limits.max_nesting {
        return Err(AppError::Validation(format!(
            "the query nests brackets {deepest} deep; at most {} levels are accepted",
            limits.max_nesting
        )));
    }
    Ok(())
}

/// The deepest nesting of `{`, `[` and `(` in GraphQL source text, outside strings, block
/// strings and comments.
fn nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Refuses variables nested deeper than the limit.
pub fn check_variables<'a>(
    variables: impl IntoIterator<Item = &'a ConstValue>,
    limits: &Limits,
) -> Result<(), AppError> {
    let mut stack: Vec<(&ConstValue, usize)> = variables.into_iter().map(|v| (v, 1)).collect();
    while let Some((value, depth)) = stack.pop() {
        if depth > limits.max_variables_depth {
            return Err(AppError::Validation(format!(
                "the variables nest deeper than {} levels",
                limits.max_variables_depth
            )));
        }
        match value {
            ConstValue::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            ConstValue::List(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_ignores_brackets_in_strings_and_comments() {
        assert_eq!(nesting("{ a(x: \"{{{[[[\") { b { c } } }"), 3);
        assert_eq!(nesting("# {{{{{{\n{ a }"), 1);
        assert_eq!(nesting("{ a(x: \"\"\" {{{ \\\"\"\" {{ \"\"\") }"), 2);
        assert_eq!(nesting(&"[".repeat(500)), 500);
    }
}
