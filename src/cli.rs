//! The command line: `serve` (the default), `migrate`, `seed`, `export-schema`, `account create`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use migration::MigratorTrait;

use crate::config::{DatabaseConfig, LogFormat, ServeConfig};
use crate::error::{AppError, AppResult};
use crate::service::accounts;
use crate::{db, graphql, seed, startup};

/// partnergraph: a GraphQL API over a brand's affiliate partners.
#[derive(Parser, Debug)]
#[command(name = "partnergraph", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Log lines as text or as JSON objects (one per line), on standard error.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (migrates first; creates demo data on an empty SQLite database).
    Serve(ServeConfig),
    /// Apply pending migrations (or, with --down, roll every migration back).
    Migrate(MigrateArgs),
    /// Generate deterministic demo/benchmark data and print the accounts' credentials.
    Seed(SeedArgs),
    /// Write the GraphQL schema (SDL) to a file.
    ExportSchema(ExportArgs),
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Contract lifecycle tasks.
    #[command(subcommand)]
    Contracts(ContractsCommand),
}

/// `contracts` subcommands.
#[derive(Subcommand, Debug)]
pub enum ContractsCommand {
    /// Apply every scheduled contract change that is due (upcoming switches, temporary
    /// contracts ending, scheduled expiries) once, and print what was applied as JSON. `serve`
    /// does the same in the background.
    ApplyDue {
        /// The database.
        #[command(flatten)]
        db: DatabaseConfig,
        /// The time to apply at (RFC 3339, within 36,500 days of now; default: now).
        #[arg(long, value_parser = parse_instant)]
        now: Option<chrono::DateTime<chrono::Utc>>,
    },
}

/// An RFC 3339 time within [`MAX_DAYS_AWAY`](crate::service::contracts::MAX_DAYS_AWAY) days of
/// the real clock, as contract dates are: a run at a time far off would stamp history with it
/// (past 2262 beyond what a cursor can hold).
fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let at = chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|e| format!("not an RFC 3339 time: {e}"))?;
    let away = crate::service::contracts::MAX_DAYS_AWAY;
    if (at - chrono::Utc::now()).num_days().abs() > away {
        return Err(format!("more than {away} days from now"));
    }
    Ok(at)
}

/// Arguments of `migrate`.
#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseConfig,
    /// Roll back every migration instead.
    #[arg(long)]
    pub down: bool,
}

/// Arguments of `seed`.
#[derive(Args, Debug)]
pub struct SeedArgs {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseConfig,
    /// Number of accounts to create.
    #[arg(long, default_value_t = 1)]
    pub accounts: usize,
    /// Partners per account (all in its first campaign, some also in its second).
    #[arg(long, default_value_t = 1000)]
    pub partners: usize,
    /// Random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Print the accounts as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `export-schema`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Where to write the SDL (`-` for standard output).
    #[arg(long, short, default_value = "schema.graphql")]
    pub output: PathBuf,
}

/// `account` subcommands.
#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Create an account with one campaign; prints its credentials as JSON.
    Create {
        /// The database.
        #[command(flatten)]
        db: DatabaseConfig,
        /// The brand's name.
        #[arg(long)]
        name: String,
    },
}

#[derive(Parser, Debug)]
struct ServeDefaults {
    #[command(flatten)]
    config: ServeConfig,
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> AppResult<()> {
    match cli.command {
        None => startup::serve(&ServeDefaults::parse_from(["partnergraph"]).config).await,
        Some(Command::Serve(config)) => startup::serve(&config).await,
        Some(Command::Migrate(args)) => migrate(args).await,
        Some(Command::Seed(args)) => run_seed(args).await,
        Some(Command::ExportSchema(args)) => export_schema(args).await,
        Some(Command::Account(AccountCommand::Create { db, name })) => {
            create_account(db, name).await
        }
        Some(Command::Contracts(ContractsCommand::ApplyDue { db, now })) => {
            apply_due(db, now).await
        }
    }
}

async fn apply_due(
    config: DatabaseConfig,
    now: Option<chrono::DateTime<chrono::Utc>>,
) -> AppResult<()> {
    let (conn, _) = db::connect(&config).await?;
    db::migrate(&conn).await?;
    let clock = now.map_or_else(crate::clock::Clock::system, crate::clock::Clock::fixed);
    let applied = crate::service::contracts::due::apply_due(&conn, &clock).await?;
    println!(
        "{}",
        serde_json::to_string(&applied).map_err(AppError::internal)?
    );
    if applied.failed > 0 {
        // The other campaigns' changes are applied (and counted above); the failed ones are
        // in the log, and the exit status says so.
        return Err(AppError::internal(format!(
            "the scheduled changes of {} campaign(s) failed; see the log",
            applied.failed
        )));
    }
    Ok(())
}

async fn migrate(args: MigrateArgs) -> AppResult<()> {
    let (conn, _) = db::connect(&args.db).await?;
    if args.down {
        migration::Migrator::down(&conn, None)
            .await
            .map_err(|e| AppError::internal(format!("rollback failed: {e}")))?;
        eprintln!("rolled back every migration");
    } else {
        db::migrate(&conn).await?;
        eprintln!("database is up to date");
    }
    Ok(())
}

async fn run_seed(args: SeedArgs) -> AppResult<()> {
    let (conn, _) = db::connect(&args.db).await?;
    db::migrate(&conn).await?;
    let options = seed::SeedOptions {
        accounts: args.accounts,
        partners: args.partners,
        seed: args.seed,
        progress: std::io::stderr().is_terminal(),
    };
    let started = std::time::Instant::now();
    let created = seed::generate(&conn, &options).await?;
    eprintln!(
        "seeded {} account(s) with {} partners each in {:.1}s",
        created.len(),
        args.partners,
        started.elapsed().as_secs_f64()
    );
    if args.json {
        println!("{}", serde_json::json!({ "accounts": created }));
    } else {
        for account in &created {
            println!(
                "Account SID {}  Auth Token {}  campaigns {:?}",
                account.account_sid, account.auth_token, account.campaign_ids
            );
        }
    }
    Ok(())
}

async fn export_schema(args: ExportArgs) -> AppResult<()> {
    let sdl = graphql::sdl().await;
    if args.output.as_os_str() == "-" {
        print!("{sdl}");
    } else {
        std::fs::write(&args.output, sdl).map_err(|e| {
            AppError::internal(format!("cannot write {}: {e}", args.output.display()))
        })?;
        eprintln!("wrote {}", args.output.display());
    }
    Ok(())
}

async fn create_account(db_config: DatabaseConfig, name: String) -> AppResult<()> {
    let (conn, _) = db::connect(&db_config).await?;
    db::migrate(&conn).await?;
    let campaign = format!("{} Program", name.trim());
    let created = accounts::create_account(&conn, &name, &[campaign.as_str()]).await?;
    println!(
        "{}",
        serde_json::to_string(&created).map_err(AppError::internal)?
    );
    Ok(())
}
