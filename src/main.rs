//! The `partnergraph` binary: parse the command line, set up logging, run.

use clap::Parser;

/// mimalloc instead of the system allocator: a request allocates and frees many small objects
/// on several threads, and glibc's allocator spent a quarter of the server's time under load
/// (its arenas' locks and consolidation; see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = partnergraph::cli::Cli::parse();
    partnergraph::observability::logging::init(cli.log_format);
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
