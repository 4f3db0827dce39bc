//! The directives of an executable document, checked as the GraphQL spec's validation says
//! (5.7: directives are defined, in valid locations, unique per location) before it runs.
//! async-graphql's validator let `{ __typename @foo }` and `@skip(if: false) @skip(if: true)`
//! run. The schema defines no executable directive of its own: only `@skip` and `@include`, on
//! fields, fragment spreads and inline fragments, once each.

use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::parser::Positioned;
use async_graphql::{Pos, ServerError};

/// The directives a query may use.
const EXECUTABLE: [&str; 2] = ["skip", "include"];

/// The first directive that is unknown, misplaced or repeated, as a validation error.
pub fn check(doc: &ExecutableDocument) -> Result<(), ServerError> {
    for (_, op) in doc.operations.iter() {
        nowhere(&op.node.directives, "an operation")?;
        for variable in &op.node.variable_definitions {
            nowhere(&variable.node.directives, "a variable definition")?;
        }
        in_set(&op.node.selection_set.node)?;
    }
    for fragment in doc.fragments.values() {
        nowhere(&fragment.node.directives, "a fragment definition")?;
        in_set(&fragment.node.selection_set.node)?;
    }
    Ok(())
}

/// Directives where no executable directive may stand.
fn nowhere(directives: &[Positioned<Directive>], location: &str) -> Result<(), ServerError> {
    match directives.first() {
        None => Ok(()),
        Some(d) => {
            known(d)?;
            Err(invalid(
                format!(
                    "Directive \"@{}\" may not be used on {location}",
                    d.node.name.node
                ),
                d.pos,
            ))
        }
    }
}

/// The directives of a selection and of every selection under it (the shape check has bounded
/// the nesting already).
fn in_set(set: &SelectionSet) -> Result<(), ServerError> {
    for selection in &set.items {
        let (directives, inner) = match &selection.node {
            Selection::Field(f) => (&f.node.directives, Some(&f.node.selection_set.node)),
            Selection::FragmentSpread(s) => (&s.node.directives, None),
            Selection::InlineFragment(i) => (&i.node.directives, Some(&i.node.selection_set.node)),
        };
        for (i, d) in directives.iter().enumerate() {
            known(d)?;
            if directives[..i]
                .iter()
                .any(|e| e.node.name.node == d.node.name.node)
            {
                return Err(invalid(
                    format!(
                        "The directive \"@{}\" can only be used once at this location",
                        d.node.name.node
                    ),
                    d.pos,
                ));
            }
        }
        if let Some(inner) = inner {
            in_set(inner)?;
        }
    }
    Ok(())
}

fn known(d: &Positioned<Directive>) -> Result<(), ServerError> {
    if EXECUTABLE.contains(&d.node.name.node.as_str()) {
        Ok(())
    } else {
        let name: String = d.node.name.node.chars().take(40).collect();
        Err(invalid(format!("Unknown directive \"@{name}\""), d.pos))
    }
}

fn invalid(message: String, pos: Pos) -> ServerError {
    super::with_code(
        ServerError::new(message, Some(pos)),
        "GRAPHQL_VALIDATION_FAILED",
    )
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn refusal(query: &str) -> Option<String> {
        check(&parse_query(query).expect("parses"))
            .err()
            .map(|e| e.message)
    }

    #[test]
    fn only_skip_and_include_once_each_on_selections() {
        assert_eq!(
            refusal("{ a @skip(if: false) b @include(if: true) ... on Q @skip(if: false) { c } }"),
            None
        );
        assert_eq!(
            refusal("query { ...F @include(if: true) } fragment F on Q { d @skip(if: true) }"),
            None
        );
        assert_eq!(
            refusal("{ __typename @foo }").as_deref(),
            Some("Unknown directive \"@foo\"")
        );
        assert_eq!(
            refusal("{ __typename @skip(if: false) @skip(if: true) }").as_deref(),
            Some("The directive \"@skip\" can only be used once at this location")
        );
        assert_eq!(
            refusal("query @skip(if: true) { a }").as_deref(),
            Some("Directive \"@skip\" may not be used on an operation")
        );
        assert_eq!(
            refusal("query($v: Int @deprecated) { a }").as_deref(),
            Some("Unknown directive \"@deprecated\"")
        );
        assert_eq!(
            refusal("{ a } fragment F on Q @include(if: true) { a }").as_deref(),
            Some("Directive \"@include\" may not be used on a fragment definition")
        );
        assert_eq!(
            refusal("{ a { b { c @bar } } }").as_deref(),
            Some("Unknown directive \"@bar\"")
        );
    }
}
