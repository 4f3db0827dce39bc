//! The GraphQL endpoint, as the GraphQL-over-HTTP specification describes it: negotiate the
//! response's media type, authenticate the caller, read the request (GET or POST, JSON or
//! multipart; never before the caller is known), resolve a persisted query, check the
//! request's budget (size, nesting, shape, variables, cost, the caller's rate) before anything
//! runs, execute, complete the response as the GraphQL specification says (query order, null
//! propagation), and report its cost.

mod multipart;
mod negotiate;
mod persisted;
mod read;
mod write;

use async_graphql::parser::types::OperationType;
use async_graphql::ServerError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::response::Response;

use super::AppState;
use crate::auth;
use crate::error::AppError;
use crate::graphql::limits::answer::{self, Resolutions};
use crate::graphql::limits::{self, cost, rate::Allowance, Limits};
use crate::graphql::loaders::Loaders;
use crate::graphql::shape::complete::complete;
use crate::graphql::shape::{Operation, TypeMap};
use crate::http::timeout::ExtensionsSlot;
use crate::observability::{record_query_cost, record_rate_limited, Api, GraphqlMetrics};
use negotiate::Media;
use persisted::{Persisted, PersistedQueries};

pub use read::{MAX_JSON_BODY, MAX_MULTIPART_BODY};

/// What the endpoint keeps between requests.
pub struct Endpoint {
    /// The schema's types (for shaping responses and costing queries).
    pub types: TypeMap,
    /// The per-request limits.
    pub limits: Limits,
    /// Persisted queries.
    persisted: PersistedQueries,
}

impl Endpoint {
    /// The endpoint of a schema whose SDL is `sdl`.
    pub fn new(sdl: &str, limits: Limits) -> Result<Endpoint, AppError> {
        Ok(Endpoint {
            types: TypeMap::from_sdl(sdl).map_err(AppError::internal)?,
            limits,
            persisted: PersistedQueries::default(),
        })
    }
}

/// `GET` and `POST /graphql` (a browser's GET gets the playground).
pub async fn graphql(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let get = parts.method == Method::GET || parts.method == Method::HEAD;
    if get && negotiate::wants_html(&parts.headers) {
        return super::playground::show(State(state), parts.headers).await;
    }
    // Even a request refused before it ran reports its cost (nothing) and the limit.
    let refused = CostReport {
        limit: state.endpoint.limits.max_cost,
        ..CostReport::default()
    }
    .json();
    // A request the timeout stops still reports its cost (what it has been charged so far).
    let timeout_extensions = parts.extensions.get::<ExtensionsSlot>().cloned();
    if let Some(slot) = &timeout_extensions {
        slot.set(refused.clone());
    }
    let Some(media) = negotiate::accept(&parts.headers) else {
        let err = AppError::BadRequest {
            message:
                "not acceptable: ask for application/graphql-response+json or application/json"
                    .into(),
            status: 406,
        };
        return write::failure(Media::Json, err, Some(&refused));
    };
    // The caller is known before the body is read: nobody without a credential makes the
    // server read or parse a body (a multipart body may be megabytes), and the metrics'
    // operation names come from callers only.
    let header = auth::authorization(&parts.headers);
    let caller = match auth::authenticate(&state.db, &state.auth_cache, header).await {
        Ok(caller) => caller,
        Err(err) => {
            GraphqlMetrics::start_named(None, "").fail(&err);
            let mut response = write::failure(media, err, Some(&refused));
            if response.status() == axum::http::StatusCode::UNAUTHORIZED {
                let headers = response.headers_mut();
                headers.append(header::VARY, HeaderValue::from_static("Sec-Fetch-Mode"));
                if !negotiate::from_page_script(&parts.headers) {
                    headers.insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static(auth::CHALLENGE),
                    );
                }
            }
            return response;
        }
    };

    let request = match read::request(
        &parts.method,
        &parts.headers,
        parts.uri.query(),
        body,
        &state.endpoint.limits,
    )
    .await
    {
        Ok(request) => request,
        Err(err) => {
            GraphqlMetrics::start_named(None, "").fail(&err);
            return write::failure(media, err, Some(&refused));
        }
    };
    let metrics = GraphqlMetrics::start(&request);
    run(
        &state,
        media,
        &parts.method,
        caller,
        request,
        metrics,
        timeout_extensions,
    )
    .await
}

/// Other methods on `/graphql`.
pub async fn method_not_allowed() -> Response {
    let err = AppError::BadRequest {
        message: "use GET (queries) or POST".into(),
        status: 405,
    };
    let mut response = write::failure(Media::Json, err, None);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

async fn run(
    state: &AppState,
    media: Media,
    method: &Method,
    caller: auth::AuthContext,
    mut request: async_graphql::Request,
    metrics: GraphqlMetrics,
    timeout_extensions: Option<ExtensionsSlot>,
) -> Response {
    let endpoint = &state.endpoint;
    let account = caller.account_id;
    let mut report = CostReport {
        limit: endpoint.limits.max_cost,
        ..CostReport::default()
    };
    let persisted = match endpoint.persisted.resolve(account, &mut request) {
        Ok(persisted) => persisted,
        Err(err) => {
            let errors = [err];
            metrics.finish(&async_graphql::Response::from_errors(errors.to_vec()));
            return write::request_errors(media, &errors, Some(&report.json()));
        }
    };
    let checked = match limits::check(
        &endpoint.limits,
        &endpoint.types,
        &request.query,
        &request.variables,
        request.uploads.len(),
        request.operation_name.as_deref(),
    ) {
        Ok(checked) => checked,
        Err(refused) => {
            if let limits::Refused::Limit(AppError::TooExpensive { requested, .. }) = &refused {
                report.requested = *requested;
            }
            let errors = [refused.into_server_error()];
            metrics.finish(&async_graphql::Response::from_errors(errors.to_vec()));
            return write::request_errors(media, &errors, Some(&report.json()));
        }
    };
    report.requested = checked.requested;
    for (name, value) in checked.defaults {
        request.variables.insert(name, value);
    }
    let op_type = Operation::find(
        &checked.doc,
        request.operation_name.as_deref(),
        &request.variables,
        &endpoint.types,
    )
    .map(|op| op.definition.ty);
    if (*method == Method::GET || *method == Method::HEAD)
        && op_type == Some(OperationType::Mutation)
    {
        let err = AppError::BadRequest {
            message: "mutations must be sent with POST".into(),
            status: 405,
        };
        metrics.fail(&err);
        return write::failure(media, err, Some(&report.json()));
    }
    if let Some(bucket) = &state.rate_limits.graphql {
        match bucket.take(caller.credential_id, checked.requested) {
            Ok(allowance) => report.budget = Some(allowance),
            Err(err) => {
                record_rate_limited(Api::Graphql);
                metrics.fail(&err);
                return write::failure(media, err, Some(&report.json()));
            }
        }
    }
    let registered = match persisted {
        Persisted::Register(hash) => Some((hash, request.query.clone())),
        Persisted::No => None,
    };
    let doc = checked.doc.clone();
    let variables = request.variables.clone();
    let operation_name = request.operation_name.clone();
    request.set_parsed_query(checked.doc);
    // Expensive requests take their connections from the heavy lane, never from the pool
    // every other request needs.
    let db = match &state.heavy_db {
        Some(heavy) if report.requested >= endpoint.limits.heavy_cost => heavy.clone(),
        _ => state.db.clone(),
    };
    let loaders = Loaders::for_request(db.clone(), caller.clone());
    if let Some(slot) = &timeout_extensions {
        slot.set(report.json());
    }
    let answer_cap = endpoint
        .limits
        .max_cost
        .saturating_mul(answer::OBJECTS_PER_COST);
    let resolutions = Resolutions::new(answer_cap);
    let credential = caller.credential_id;
    let mut request = request.data(db).data(caller).data(loaders);
    // A mutation's write is done once it answers: its (priced, small) payload is not cut off.
    if op_type != Some(OperationType::Mutation) {
        request = request.data(resolutions.clone());
    }
    let mut response = state.schema.execute(request).await;
    if resolutions.spent() {
        let err = AppError::TooExpensive {
            message: format!(
                "the answer grew past what the cost limit allows (its lists were longer than \
                 the cost {} assumed): ask for fewer items",
                report.requested
            ),
            requested: report.requested,
            limit: endpoint.limits.max_cost,
        };
        // It resolved the whole answer's budget, all but `requested` of it unpaid.
        report.actual = answer_cap;
        pay_excess(state, credential, &mut report);
        let errors = [limits::server_error(err)];
        metrics.finish(&async_graphql::Response::from_errors(errors.to_vec()));
        return write::request_errors(media, &errors, Some(&report.json()));
    }

    // Errors of a request that never ran carry no path (the validator's, an unknown operation).
    let started = response.errors.iter().any(|e| !e.path.is_empty())
        || response.data != async_graphql::Value::Null;
    if !started {
        response.errors = response.errors.into_iter().map(validation_code).collect();
        metrics.finish(&response);
        return write::request_errors(media, &response.errors, Some(&report.json()));
    }
    response.errors = response.errors.into_iter().map(argument_code).collect();
    if let Some((hash, query)) = registered {
        endpoint.persisted.remember(account, hash, &query);
    }
    let mut actual = cost::Actual::default();
    let data = std::mem::take(&mut response.data);
    response.data =
        match Operation::find(&doc, operation_name.as_deref(), &variables, &endpoint.types) {
            Some(op) => complete(&op, data, &response.errors, &mut actual),
            None => data,
        };
    report.actual = actual.0;
    record_query_cost(report.requested, report.actual);
    pay_excess(state, credential, &mut report);
    metrics.finish(&response);
    write::executed(
        media,
        &response.data,
        &response.errors,
        Some(&report.json()),
    )
}

/// An argument async-graphql could not read while the operation ran (a value written into the
/// document that its validator let through, such as an `Int` literal past 32 bits) carries no
/// code of its own: it is the client's input, `VALIDATION`.
fn argument_code(err: ServerError) -> ServerError {
    if err.message.starts_with("Failed to parse ") {
        coded(err, "VALIDATION")
    } else {
        err
    }
}

/// An error of the validator, which carries no code of its own.
fn validation_code(err: ServerError) -> ServerError {
    coded(err, "GRAPHQL_VALIDATION_FAILED")
}

/// `err` with `code` unless it has one.
fn coded(mut err: ServerError, code: &str) -> ServerError {
    let has_code = err
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some());
    if !has_code {
        let mut extensions = err.extensions.take().unwrap_or_default();
        extensions.set("code", code);
        err.extensions = Some(extensions);
    }
    err
}

/// Lists longer than their estimate cost more than was drawn before the request ran (a
/// campaign of 2,000 groups, each counting its members): the bucket pays the rest after it, as
/// far as it holds, so such requests repeated run into the rate limit.
fn pay_excess(state: &AppState, credential: i64, report: &mut CostReport) {
    let excess = report.actual.saturating_sub(report.requested);
    if let (Some(bucket), true) = (&state.rate_limits.graphql, excess > 0) {
        report.budget = bucket
            .draw_up_to(credential, excess)
            .or(report.budget.map(|_| bucket.empty()));
    }
}

/// `extensions.cost` of a response.
#[derive(Debug, Default)]
struct CostReport {
    requested: u64,
    actual: u64,
    limit: u64,
    budget: Option<Allowance>,
}

impl CostReport {
    fn json(&self) -> serde_json::Value {
        let mut cost = serde_json::json!({
            "requested": self.requested,
            "actual": self.actual,
            "limit": self.limit,
        });
        if let Some(budget) = &self.budget {
            cost["budget"] = serde_json::json!({
                "capacity": budget.limit,
                "remaining": budget.remaining,
                "restorePerSecond": budget.per_second,
            });
        }
        serde_json::json!({ "cost": cost })
    }
}
