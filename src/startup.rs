//! Building the application (database, schema, router) and serving it. Tests use the same builder.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::config::{ApiConfig, DatabaseConfig, ServeConfig, ServingConfig};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::build_schema_with;
use crate::graphql::limits::rate::RateLimits;
use crate::http::{self, playground, AppState, Endpoint};
use crate::service::partners::facet_index::{self, FacetIndexes};

pub use crate::demo::DemoCredentials;

/// [`build_state_with`] the default serving and API settings.
pub async fn build_state(
    config: &DatabaseConfig,
    demo: bool,
) -> AppResult<(AppState, Option<DemoCredentials>)> {
    build_state_with(
        config,
        &ServingConfig::default(),
        &ApiConfig::default(),
        demo,
    )
    .await
}

/// Migrates and creates the demo account on an empty database when `demo` is set, through a
/// pool of its own without a statement timeout (a migration may rightly run long), closed after.
/// Returns the demo account's credential when this start created it.
async fn prepare_database(
    config: &DatabaseConfig,
    demo: bool,
) -> AppResult<Option<DemoCredentials>> {
    let (db, _) = db::connect(config).await?;
    db::migrate(&db).await?;
    let created = if demo {
        crate::demo::create_if_empty(&db).await?
    } else {
        None
    };
    db.close()
        .await
        .map_err(|e| AppError::internal(format!("cannot close the set-up pool: {e}")))?;
    Ok(created)
}

/// Connects, migrates, creates the demo account on an empty database when `demo` is set, opens
/// the server's pool with the timeouts of `serving`, and assembles the shared state with the
/// request and rate limits of `api`. Returns the demo account's credential when this start
/// created it (its token is shown nowhere else). The playground page carries no credential
/// until [`open_playground`] is told the address the server listens on.
pub async fn build_state_with(
    config: &DatabaseConfig,
    serving: &ServingConfig,
    api: &ApiConfig,
    demo: bool,
) -> AppResult<(AppState, Option<DemoCredentials>)> {
    let created = prepare_database(config, demo).await?;
    let (db, statements) = db::connect_serving(config, serving).await?;
    let heavy_db = db::connect_heavy_lane(config, serving, &statements).await?;
    let checkpointer = db::checkpoint::start(&config.database_url)
        .await?
        .map(Arc::new);
    let page_rows = config
        .facet_index_page_rows
        .unwrap_or_else(|| facet_index::default_page_rows(db.get_database_backend()));
    let auth_cache = Arc::new(crate::auth::AuthCache::new(serving.auth_cache_ttl()));
    let indexes = FacetIndexes::new(
        config.facet_index_background_from,
        page_rows,
        config.facet_index_max_bytes,
    );
    let facet_index_usage = indexes.usage();
    let schema = build_schema_with(indexes, serving.clock.clone(), auth_cache.clone());
    let limits = api.limits();
    let rate_limits = RateLimits::new(&api.rates(), limits.max_cost);
    let endpoint = Endpoint::new(&schema.sdl(), limits)?;
    http::cors_layer(&api.cors_allowed_origins)?;
    let state = AppState {
        db,
        heavy_db,
        schema,
        playground: Arc::new(playground::page(None)),
        statements,
        endpoint: Arc::new(endpoint),
        rate_limits: Arc::new(rate_limits),
        metrics: if serving.metrics {
            crate::observability::install_metrics()
        } else {
            None
        },
        request_timeout: serving.request_timeout(),
        cors_allowed_origins: api.cors_allowed_origins.clone().into(),
        clock: serving.clock.clone(),
        auth_cache,
        facet_index_usage,
        exports: Arc::new(serving.export_runner()),
        checkpointer,
    };
    Ok((state, created))
}

/// Sets up the playground for a server listening on `addr`. On a loopback address the demo
/// account (when there is one) gets a fresh playground credential, which the page carries and
/// which is returned to be shown; the previous one is revoked at every start. On any other
/// address the page carries no credential.
pub async fn open_playground(
    state: &mut AppState,
    addr: SocketAddr,
) -> AppResult<Option<DemoCredentials>> {
    let loopback = addr.ip().to_canonical().is_loopback();
    let credential = crate::demo::renew_playground_credential(&state.db, loopback).await?;
    let header = credential.as_ref().map(DemoCredentials::header);
    state.playground = Arc::new(playground::page(header.as_deref()));
    Ok(credential)
}

/// How long a client may take to send a request's head (its line and headers), on a new
/// connection or a kept-alive one between requests. A client that sends nothing, or a header a
/// minute, would otherwise hold its connection (and a file descriptor) open for ever: the
/// request's own time limit only starts once the head is in.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves the router on `listener` until `shutdown` resolves, then drains in-flight requests.
/// HTTP/1.1 as `axum::serve` does, with [`HEADER_READ_TIMEOUT`], which it does not set.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> AppResult<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let router = http::router(state);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection its client gave up on: the next one.
                Err(err) if matches!(
                    err.kind(),
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::ConnectionReset
                ) => continue,
                // Out of file descriptors and the like: wait a second, as axum::serve does (or
                // stop, if told to meanwhile), then go on.
                Err(err) => {
                    tracing::warn!("accepting a connection failed: {err}");
                    tokio::select! {
                        () = tokio::time::sleep(std::time::Duration::from_secs(1)) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone().map_request(
            |request: hyper::Request<hyper::body::Incoming>| request.map(axum::body::Body::new),
        ));
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::trace!("connection ended: {err}");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// `partnergraph serve`: start, print where to go, serve until SIGINT/SIGTERM.
pub async fn serve(config: &ServeConfig) -> AppResult<()> {
    let (mut state, created) = build_state_with(
        &config.db,
        &config.serving,
        &config.api,
        config.wants_demo(),
    )
    .await?;
    let listener = TcpListener::bind(&config.bind_addr)
        .await
        .map_err(|e| AppError::internal(format!("cannot listen on {}: {e}", config.bind_addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| AppError::internal(format!("no local address: {e}")))?;
    let playground = open_playground(&mut state, addr).await?;
    // The only place a token is ever shown: neither is logged, and the database keeps hashes.
    println!("partnergraph is listening on http://{addr}");
    println!("  playground: http://{addr}/");
    println!("  GraphQL:    http://{addr}/graphql");
    if config.serving.metrics {
        println!("  metrics:    http://{addr}/metrics");
    }
    if let Some(demo) = &created {
        println!("  demo account created (its token is shown this once and stored only hashed):");
        println!("    Account SID: {}", demo.account_sid);
        println!("    Auth Token:  {}", demo.auth_token);
    }
    match &playground {
        Some(credential) => {
            println!("  playground credential for this run (the page sends it; the next start replaces it):");
            println!("    Account SID: {}", credential.account_sid);
            println!("    Auth Token:  {}", credential.auth_token);
        }
        None if !addr.ip().to_canonical().is_loopback() => {
            println!("  the playground carries no credentials: {addr} is not a loopback address");
        }
        None => {}
    }
    if config.serving.contracts_apply_interval_secs > 0 {
        let every = std::time::Duration::from_secs(config.serving.contracts_apply_interval_secs);
        tokio::spawn(crate::service::contracts::due::run_periodically(
            state.db.clone(),
            state.clock.clone(),
            every,
        ));
    }
    serve_on(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
