//! The `partnergraph` binary: parse the command line, set up logging, run.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = partnergraph::cli::Cli::parse();
    match partnergraph::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", err.public_message());
            if let partnergraph::error::AppError::Internal(detail) = &err {
                eprintln!("  {detail}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}
