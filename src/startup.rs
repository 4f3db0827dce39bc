//! Building the application (database, schema, router) and serving it. Tests use the same builder.

use std::future::Future;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use tokio::net::TcpListener;

use crate::config::{ApiConfig, DatabaseConfig, ServeConfig, ServingConfig};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::build_schema_with;
use crate::graphql::limits::rate::RateLimits;
use crate::http::{self, playground, AppState, Endpoint};
use crate::seed;
use crate::service::accounts;
use crate::service::partners::facet_index::{self, FacetIndexes};

/// The demo account's credentials, when the demo account exists and they still verify.
#[derive(Clone, Debug)]
pub struct DemoCredentials {
    /// Account SID.
    pub account_sid: String,
    /// Auth Token.
    pub auth_token: String,
}

impl DemoCredentials {
    /// The `Authorization` header value for these credentials.
    pub fn header(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.account_sid, self.auth_token))
        )
    }
}

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
async fn prepare_database(config: &DatabaseConfig, demo: bool) -> AppResult<()> {
    let (db, _) = db::connect(config).await?;
    db::migrate(&db).await?;
    if demo && accounts::is_empty(&db).await? {
        tracing::info!("empty database: creating the demo account");
        seed::seed_demo(&db).await?;
    }
    db.close()
        .await
        .map_err(|e| AppError::internal(format!("cannot close the set-up pool: {e}")))
}

/// Connects, migrates, creates the demo account on an empty database when `demo` is set, opens
/// the server's pool with the timeouts of `serving`, and assembles the shared state with the
/// request and rate limits of `api`.
pub async fn build_state_with(
    config: &DatabaseConfig,
    serving: &ServingConfig,
    api: &ApiConfig,
    demo: bool,
) -> AppResult<(AppState, Option<DemoCredentials>)> {
    prepare_database(config, demo).await?;
    let (db, statements) = db::connect_serving(config, serving).await?;
    let demo = DemoCredentials {
        account_sid: seed::DEMO_SID.to_owned(),
        auth_token: seed::DEMO_TOKEN.to_owned(),
    };
    let demo = crate::auth::authenticate(&db, Some(&demo.header()))
        .await
        .ok()
        .map(|_| demo);
    let page = playground::page(demo.as_ref().map(DemoCredentials::header).as_deref());
    let page_rows = config
        .facet_index_page_rows
        .unwrap_or_else(|| facet_index::default_page_rows(db.get_database_backend()));
    let schema = build_schema_with(FacetIndexes::new(
        config.facet_index_background_from,
        page_rows,
    ));
    let limits = api.limits();
    let rate_limits = RateLimits::new(&api.rates(), limits.max_cost);
    let endpoint = Endpoint::new(&schema.sdl(), limits)?;
    let state = AppState {
        db,
        schema,
        playground: Arc::new(page),
        statements,
        endpoint: Arc::new(endpoint),
        rate_limits: Arc::new(rate_limits),
        metrics: if serving.metrics {
            crate::observability::install_metrics()
        } else {
            None
        },
        request_timeout: serving.request_timeout(),
    };
    Ok((state, demo))
}

/// Serves the router on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> AppResult<()> {
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| AppError::internal(format!("server error: {e}")))
}

/// `partnergraph serve`: start, print where to go, serve until SIGINT/SIGTERM.
pub async fn serve(config: &ServeConfig) -> AppResult<()> {
    let (state, demo) = build_state_with(
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
    println!("partnergraph is listening on http://{addr}");
    println!("  playground: http://{addr}/");
    println!("  GraphQL:    http://{addr}/graphql");
    if config.serving.metrics {
        println!("  metrics:    http://{addr}/metrics");
    }
    if let Some(demo) = &demo {
        println!("  demo account (the playground sends it for you):");
        println!("    Account SID: {}", demo.account_sid);
        println!("    Auth Token:  {}", demo.auth_token);
        println!("    Authorization: {}", demo.header());
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
