//! The `partnergraph` binary: parse the command line, set up logging, run.

use clap::Parser;

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
