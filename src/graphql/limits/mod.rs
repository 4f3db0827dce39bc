//! A request's budget, decided once before it runs, from settings with documented defaults:
//! the size and bracket nesting of the query text, the nesting of its variables, the shape the
//! operations expand to (fields, depth, aliases, root fields), the declared variables' types,
//! the query's cost against the per-request limit, and the caller's rate.

pub mod answer;
pub mod cost;
mod directives;
pub mod document;
pub mod expansion;
pub mod rate;

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, ServerError, Variables};

use crate::error::AppError;
use crate::graphql::shape::{self, Operation, TypeMap};

/// The limits of one GraphQL request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest query text, in bytes.
    pub max_query_bytes: usize,
    /// Deepest nesting of `{`, `[` and `(` in the query text.
    pub max_nesting: usize,
    /// Deepest nesting of the variables.
    pub max_variables_depth: usize,
    /// Deepest nesting of fields.
    pub max_depth: usize,
    /// Most fields the operations select, fragments spread in.
    pub max_fields: usize,
    /// Most fields selected under an alias.
    pub max_aliases: usize,
    /// Most fields at the root of an operation.
    pub max_root_fields: usize,
    /// Highest cost one request may have (see [`cost`]).
    pub max_cost: u64,
    /// Requests costing at least this run on the heavy lane (their own small pool).
    pub heavy_cost: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_query_bytes: 100_000,
            max_nesting: 64,
            max_variables_depth: 64,
            max_depth: 16,
            max_fields: 2_000,
            max_aliases: 50,
            max_root_fields: 20,
            max_cost: 50_000,
            heavy_cost: 5_000,
        }
    }
}

/// Rate limits per credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateSettings {
    /// Cost points a GraphQL credential's bucket holds (0: no limit).
    pub graphql_budget: u32,
    /// Cost points it refills per second.
    pub graphql_restore_per_second: u32,
    /// REST requests per hour (0: no limit).
    pub rest_per_hour: u32,
    /// Server processes sharing the limits (each enforces its share).
    pub processes: u32,
}

impl Default for RateSettings {
    fn default() -> Self {
        RateSettings {
            graphql_budget: 100_000,
            graphql_restore_per_second: 5_000,
            rest_per_hour: 1_000,
            processes: 1,
        }
    }
}

/// A document that passed every check, with its requested cost.
pub struct Checked {
    /// The parsed document (abstract selections also ask for the runtime type).
    pub doc: ExecutableDocument,
    /// Its requested cost.
    pub requested: u64,
    /// The defaults of declared variables the request leaves out, to add to its variables.
    pub defaults: Vec<(async_graphql::Name, async_graphql_value::ConstValue)>,
}

/// Why a request was refused before it ran.
pub enum Refused {
    /// The query does not parse (`GRAPHQL_PARSE_FAILED`), or a directive in it is unknown,
    /// misplaced or repeated (`GRAPHQL_VALIDATION_FAILED`): the error as it is shown.
    Parse(ServerError),
    /// A limit or a variable refused it.
    Limit(AppError),
}

impl Refused {
    /// The error as the response shows it.
    pub fn into_server_error(self) -> ServerError {
        match self {
            Refused::Parse(err) => err,
            Refused::Limit(err) => server_error(err),
        }
    }
}

/// `err` with `extensions.code` set to `code`.
pub fn with_code(mut err: ServerError, code: &str) -> ServerError {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    err.extensions = Some(extensions);
    err
}

/// An error of the request as a whole (no location, no path).
pub fn server_error(err: AppError) -> ServerError {
    let err = async_graphql::Error::from(err);
    let mut server = ServerError::new(err.message, None);
    server.extensions = err.extensions;
    server
}

/// Checks a request's text, variables (with the `uploads` files it carries) and document
/// against `limits` and computes its cost.
pub fn check(
    limits: &Limits,
    types: &TypeMap,
    query: &str,
    variables: &Variables,
    uploads: usize,
    operation_name: Option<&str>,
) -> Result<Checked, Refused> {
    document::check_text(query, limits).map_err(Refused::Limit)?;
    document::check_variables(variables.values(), limits).map_err(Refused::Limit)?;
    let mut doc = async_graphql::parser::parse_query(query)
        .map_err(|err| Refused::Parse(with_code(ServerError::from(err), "GRAPHQL_PARSE_FAILED")))?;
    expansion::check_shape(&doc, limits).map_err(Refused::Limit)?;
    directives::check(&doc).map_err(Refused::Parse)?;
    let (requested, defaults, left_out) =
        match Operation::find(&doc, operation_name, variables, types) {
            Some(mut op) => {
                op.uploads = uploads;
                shape::variables::coerce(&op).map_err(Refused::Limit)?;
                shape::literals::check(&op).map_err(Refused::Limit)?;
                (
                    cost::requested(&op),
                    shape::variables::defaults(&op),
                    shape::omitted::left_out(&op),
                )
            }
            // No such operation: the validator says so.
            None => (0, Vec::new(), Default::default()),
        };
    if requested > limits.max_cost {
        return Err(Refused::Limit(AppError::TooExpensive {
            message: format!(
                "the query's cost is {requested}; one request may cost at most {}",
                limits.max_cost
            ),
            requested,
            limit: limits.max_cost,
        }));
    }
    shape::omitted::drop_left_out(&mut doc, &left_out);
    shape::complete::mark_abstract_selections(&mut doc, types);
    Ok(Checked {
        doc,
        requested,
        defaults,
    })
}
