//! The `gongshi` command line: parse, load configuration, call into the library.

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod import;

use crate::clock::Clock;
use crate::config::{DatabaseUrl, DEFAULT_DATABASE_URL};
use crate::domain::calendar::Region;
use crate::error_chain::error_chain;
use crate::service::calendar::Calendars;
use crate::service::{self, Actor, App};
use crate::store::{self, Db};

#[derive(Parser, Debug)]
#[command(
    name = "gongshi",
    version,
    about = "行政执法公示: law-enforcement publicity service"
)]
pub struct Cli {
    /// Database: a file path or sqlite://PATH (embedded SQLite), or postgres://… / postgresql://…
    #[arg(long, global = true, env = "GONGSHI_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Log filter in tracing's syntax, e.g. `info` or `gongshi=debug,warn`.
    #[arg(long, global = true, env = "GONGSHI_LOG", default_value = "info")]
    log: String,
    /// Holiday-calendar regions, comma-separated; CN is always included and the last is the
    /// default for queries, e.g. `CN,CN-NX` for a 宁夏 bureau.
    #[arg(
        long,
        global = true,
        env = "GONGSHI_CALENDAR_REGIONS",
        default_value = "CN"
    )]
    calendar_regions: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum DrawCommand {
    /// Recompute a published draw bundle (GET /api/v1/public/plans/{id}/bundle, saved to a
    /// file) and, with --announced, check its inputs against the plan page saved after the
    /// announcement: prints "match: …", or "difference: …" naming the first difference, and
    /// exits 1. Needs no database.
    Verify {
        bundle: std::path::PathBuf,
        /// The public plan (GET /api/v1/public/plans/{id}) as saved after its announcement,
        /// before the random values were known.
        #[arg(long)]
        announced: Option<std::path::PathBuf>,
    },
}

fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    what: &str,
) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::Other(format!("{}: not {what}: {e}", path.display())))
}

/// `gongshi draw verify FILE [--announced PLAN]`.
fn verify_bundle(
    path: &std::path::Path,
    announced: Option<&std::path::Path>,
) -> Result<ExitCode, CliError> {
    use crate::domain::draw::bundle::{self, AnnouncedPlan, Bundle};
    let b: Bundle = read_json(path, "a draw bundle")?;
    let announced: Option<AnnouncedPlan> = announced
        .map(|p| read_json(p, "a public plan page"))
        .transpose()?;
    let outcome = match &announced {
        Some(a) => bundle::verify_announced(&b, a),
        None => bundle::verify(&b),
    };
    match outcome {
        Ok(()) => {
            let against = match (&announced, &b.stage2.sha256) {
                (Some(_), _) => "; the snapshot and the stage-2 inputs are the ones announced",
                (None, Some(_)) => {
                    "; not compared with the announcement (give --announced PLAN.json)"
                }
                (None, None) => "; the plan was announced without a stage-2 commitment",
            };
            println!(
                "match: {} entities and {} teams of plan {} recomputed from {} snapshot codes and {} inspectors{against}",
                b.entity_picks.len(),
                b.teams.len(),
                b.plan.id,
                b.snapshot.size,
                b.stage2.roster.inspectors.len(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(d) => {
            println!("difference: {d}");
            Ok(ExitCode::FAILURE)
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Migrate, load the seeds, and serve the HTTP API until Ctrl-C or SIGTERM.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "GONGSHI_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Database connections in the pool (default: twice the cores, plus one, at most 16).
        #[arg(long, env = "GONGSHI_DB_POOL_SIZE", default_value_t = crate::http::server::default_pool_size(),
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        pool_size: u32,
        /// Also load the synthetic demo directory and roster in seeds/demo/ (idempotent).
        #[arg(long, env = "GONGSHI_DEMO")]
        demo: bool,
        /// Seconds a connection may take to send a request's header, or sit idle between
        /// requests, before it is closed.
        #[arg(long, env = "GONGSHI_HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
              value_parser = clap::value_parser!(u64).range(1..=3600))]
        header_read_timeout_secs: u64,
        /// Seconds a request's body may take to arrive (a second more for each 64 KiB that keeps
        /// arriving) before it is answered 408 and its connection closed.
        #[arg(long, env = "GONGSHI_BODY_READ_TIMEOUT_SECS", default_value_t = 30,
              value_parser = clap::value_parser!(u64).range(1..=3600))]
        body_read_timeout_secs: u64,
        /// Connections served at once; past it a new connection is answered 503 and closed.
        /// Default: the open-file limit (raised to its hard limit at start-up) less what the pool
        /// and the process need, at most 16,384.
        #[arg(long, env = "GONGSHI_MAX_CONNECTIONS",
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        max_connections: Option<u64>,
        /// At most this many random inspections of one entity per year (国办发〔2024〕54号): an
        /// entity at the cap is left out of a plan's snapshot at announcement. 0: no cap.
        #[arg(long, env = "GONGSHI_DRAW_YEARLY_CAP", default_value_t = 2)]
        draw_yearly_cap: u32,
        /// Sites whose pages may read the public API (CORS): `*`, or a comma-separated list of
        /// origins such as https://www.yinchuan.gov.cn. Staff routes never allow another site.
        #[arg(long, env = "GONGSHI_CORS_ORIGINS", default_value = "*")]
        cors_origins: String,
        /// Seconds a portal or proxy may reuse a public answer (Cache-Control: max-age); after
        /// that it revalidates with If-None-Match and gets 304 while nothing changed.
        #[arg(long, env = "GONGSHI_PUBLIC_MAX_AGE", default_value_t = crate::http::server::DEFAULT_PUBLIC_MAX_AGE)]
        public_max_age: u32,
        /// Mebibytes the public answers kept in memory may take, counting bodies, headers and
        /// bookkeeping (0: none is kept); past it the answers asked least are dropped first.
        #[arg(long, env = "GONGSHI_ANSWER_CACHE_MIB", default_value_t = crate::http::middleware::cache::DEFAULT_BUDGET_BYTES >> 20,
              value_parser = clap::value_parser!(u64).range(0..=65_536))]
        answer_cache_mib: u64,
        /// Mebibytes of a SQLite database each pooled connection reads through a memory map
        /// instead of `pread` (0: none, the default; at most 2048). Faster reads, but `ps`
        /// counts the mapped pages once per connection (docs/operations.md).
        #[arg(long, env = "GONGSHI_SQLITE_MMAP_MIB", default_value_t = 0,
              value_parser = clap::value_parser!(u64).range(0..=2048))]
        sqlite_mmap_mib: u64,
        /// Public requests per second each client may make on average (0: no limit).
        #[arg(long, env = "GONGSHI_PUBLIC_RATE", default_value_t = 20.0)]
        public_rate: f64,
        /// Public requests a client may make at once before the rate applies.
        #[arg(long, env = "GONGSHI_PUBLIC_BURST", default_value_t = 40)]
        public_burst: u32,
        /// Limit loopback clients too (off by default: the operator's tools, a local proxy).
        #[arg(long, env = "GONGSHI_RATE_LIMIT_LOOPBACK")]
        rate_limit_loopback: bool,
        /// Behind a reverse proxy: count requests against the last X-Forwarded-For address
        /// (the one the proxy appended) instead of the proxy's own.
        #[arg(long, env = "GONGSHI_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// IPv6 clients are counted by this many leading bits of their address (one client per
        /// /64 by default), for the rate limit and the login throttle.
        #[arg(long, env = "GONGSHI_RATE_IPV6_PREFIX", default_value_t = crate::domain::client::DEFAULT_IPV6_PREFIX,
              value_parser = clap::value_parser!(u8).range(1..=128))]
        rate_ipv6_prefix: u8,
    },
    /// Random draws (双随机).
    Draw {
        #[command(subcommand)]
        command: DrawCommand,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load the reference data in seeds/ (idempotent).
    Seed {
        /// Also load the synthetic demo directory and roster in seeds/demo/.
        #[arg(long)]
        demo: bool,
    },
    /// Import a CSV file (UTF-8, UTF-8 with BOM or GB18030/GBK; Chinese or English headers).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export as CSV (UTF-8 with BOM, for Excel).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The working-day calendar.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Penalty decisions due for publication, overdue, or published late, most urgent first;
    /// then plans whose inspection results are (20 working days after completion).
    Deadlines {
        /// waiting (everything not yet published: overdue, then by days left), due, overdue or
        /// published_late.
        #[arg(long, default_value = "waiting")]
        state: String,
        /// Only decisions due within at most this many working days (overdue ones stay).
        #[arg(long)]
        within: Option<u32>,
        /// Only this authority's decisions.
        #[arg(long)]
        authority_id: Option<i64>,
    },
    /// The category list (行业类别) that the directory and the roster accept.
    Category {
        #[command(subcommand)]
        command: CategoryCommand,
    },
}

#[derive(Subcommand, Debug)]
enum CategoryCommand {
    /// Print every category: code, label, parent, aliases.
    List,
    /// Add a category, or aliases of an existing one (audited; takes effect at once, also in a
    /// running server).
    Add {
        /// Stable code: lower-case letters, digits and _, e.g. `mini_ktv`.
        #[arg(long)]
        code: String,
        /// Chinese label (required for a new code).
        #[arg(long)]
        label: Option<String>,
        /// Another name files use for it; repeat for several.
        #[arg(long = "alias")]
        aliases: Vec<String>,
        /// The broader category (code or label) it is a sub-kind of.
        #[arg(long)]
        parent: Option<String>,
        /// The regulation that defines it.
        #[arg(long)]
        regulation: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum CalendarCommand {
    /// Replace one (region, year) from a CSV file `date,kind,name[,source]` (UTF-8), atomically.
    Load {
        file: std::path::PathBuf,
        #[arg(long, default_value = "CN")]
        region: String,
        #[arg(long)]
        year: i32,
        /// The notice for the whole year, if the rows do not name it.
        #[arg(long)]
        source: Option<String>,
        /// Load a national year although it leaves a statutory holiday out.
        #[arg(long)]
        confirm_incomplete: bool,
    },
    /// Print a year's special days and its working-day count.
    Show {
        year: i32,
        #[arg(long)]
        region: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ImportCommand {
    /// The market-entity directory, upserted by credit code.
    Entities {
        file: std::path::PathBuf,
        /// Write the good rows and report the bad ones (default: write nothing if any is bad).
        #[arg(long)]
        skip_invalid: bool,
    },
    /// The inspector roster, upserted by certificate number.
    Inspectors {
        file: std::path::PathBuf,
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Penalty decisions in the 双公示 layout, marked imported: they enter as submitted, each
    /// awaiting a reviewer (先审后发), unless --already-published.
    Penalties {
        file: std::path::PathBuf,
        #[arg(long)]
        skip_invalid: bool,
        /// Validate everything and report what would be created, left unchanged or refused;
        /// write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Legacy records published elsewhere: they enter as published (the audit record of
        /// each says so).
        #[arg(long)]
        already_published: bool,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// The market-entity directory, in the import's own column layout.
    Entities {
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Published penalty decisions in the 双公示 layout (carries private columns; audited).
    Penalties {
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        /// Decision dates from (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Decision dates to (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create a staff account; prints a fresh bearer token as the last line.
    Add {
        #[arg(long)]
        name: String,
        /// clerk, reviewer or admin
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        /// Lifetime of the printed token, in hours.
        #[arg(long, default_value_t = 12)]
        token_ttl_hours: i64,
        /// Bind the account to one 处罚机关: it then sees and logs only that authority's
        /// decisions.
        #[arg(long)]
        authority_id: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Recompute the hash chain; exits non-zero naming the first broken record.
    Verify,
    /// Read every stored text the public sees through the private-data check (records written
    /// before it existed); lists each record and field that fails it, never the text, and exits
    /// non-zero when there is one.
    PrivateText,
}

/// A failure the operator must read: one line on stderr, exit code 1.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error(transparent)]
    Url(#[from] crate::config::DatabaseUrlError),
    #[error("{}", error_chain(.0))]
    Store(#[from] store::StoreError),
    #[error("{}", error_chain(.0))]
    Start(#[from] crate::http::server::StartError),
    #[error("{}", describe_service_error(.0))]
    Service(#[from] service::ServiceError),
    #[error("{0}")]
    Other(String),
}

fn describe_service_error(e: &service::ServiceError) -> String {
    match e {
        service::ServiceError::Validation(errors) => errors
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        service::ServiceError::Unavailable(cause) => error_chain(cause),
        service::ServiceError::Internal(cause) => error_chain(&**cause),
        other => other.to_string(),
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Flushes the log's writer thread when main returns.
    let _log = init_tracing(&cli.log);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gongshi: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr through a writer thread (tracing-appender), so a request never waits for the
/// terminal or a pipe; lines are never dropped (a full buffer makes loggers wait instead).
fn init_tracing(filter: &str) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|e| {
        eprintln!("gongshi: warning: bad log filter '{filter}' ({e}); using 'info'");
        tracing_subscriber::EnvFilter::new("info")
    });
    use std::io::IsTerminal;
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    guard
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    // Parse before anything touches the disk: a bad URL must not create a file.
    let url = DatabaseUrl::parse(&cli.database_url)?;
    let regions = Calendars::parse_regions(&cli.calendar_regions)
        .map_err(|e| CliError::Other(format!("GONGSHI_CALENDAR_REGIONS: {e}")))?;
    // The console's application: one connection, the system clock.
    let open = || -> Result<App, CliError> {
        let app = App::new(
            Db::open(&url, 1)?,
            Calendars::new(regions.clone()),
            Clock::system(),
        );
        crate::seeding::categories(&app)?;
        Ok(app)
    };
    // Only serve, migrate, seed, import and user add may create a database; every other command
    // on a SQLite file that is not there is refused (it would answer from an empty database:
    // "not loaded", "0 decision(s)") naming the path and how to point at the right one.
    let open_existing = || -> Result<App, CliError> {
        if let DatabaseUrl::Sqlite(path) = &url {
            if !path.exists() {
                return Err(CliError::Other(format!(
                    "no database at {}: set GONGSHI_DATABASE_URL (or --database-url) to the database gongshi serves; `gongshi migrate` creates a new one",
                    path.display()
                )));
            }
        }
        open()
    };
    match cli.command {
        Command::Serve {
            bind,
            pool_size,
            demo,
            header_read_timeout_secs,
            body_read_timeout_secs,
            max_connections,
            draw_yearly_cap,
            cors_origins,
            public_max_age,
            answer_cache_mib,
            sqlite_mmap_mib,
            public_rate,
            public_burst,
            rate_limit_loopback,
            trust_forwarded_for,
            rate_ipv6_prefix,
        } => serve(crate::http::server::Settings {
            database_url: url.clone(),
            bind,
            pool_size,
            calendar_regions: regions.clone(),
            demo,
            clock: Clock::system(),
            header_read_timeout: std::time::Duration::from_secs(header_read_timeout_secs),
            body_read_timeout: std::time::Duration::from_secs(body_read_timeout_secs),
            max_connections: max_connections.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            sqlite_busy_timeout: store::SQLITE_BUSY_TIMEOUT,
            frequency_cap: crate::service::plans::FrequencyCap(
                Some(draw_yearly_cap).filter(|n| *n > 0),
            ),
            cors_origins: crate::http::middleware::cors::Origins::parse(&cors_origins)
                .map_err(|e| CliError::Other(format!("GONGSHI_CORS_ORIGINS: {e}")))?,
            public_max_age,
            answer_cache_bytes: answer_cache_mib << 20,
            sqlite_mmap_bytes: sqlite_mmap_mib << 20,
            rate: crate::http::middleware::rate_limit::RateSettings {
                rate: (public_rate > 0.0 && public_rate.is_finite() && public_burst > 0).then_some(
                    crate::domain::rate::Rate {
                        per_second: public_rate,
                        burst: public_burst,
                    },
                ),
                limit_loopback: rate_limit_loopback,
                trust_forwarded_for,
                ipv6_prefix: rate_ipv6_prefix,
            },
        }),
        Command::Draw {
            command: DrawCommand::Verify { bundle, announced },
        } => verify_bundle(&bundle, announced.as_deref()),
        Command::Migrate => {
            let mut conn = store::connect(&url)?;
            let applied = store::migrate(&mut conn)?;
            println!(
                "{} migration(s) applied on {}",
                applied.len(),
                url.backend()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { command } => import::import(&open()?, command),
        Command::Export {
            command: ExportCommand::Entities { output },
        } => import::export_entities(&open_existing()?, output),
        Command::Export {
            command: ExportCommand::Penalties { output, from, to },
        } => {
            let app = open_existing()?;
            let p = service::penalty_imports::ExportParams { from, to };
            let (bytes, n) =
                service::penalty_imports::export(&app, &Actor::command_line(), &p, Vec::new())?;
            match output {
                Some(path) => {
                    std::fs::write(&path, bytes).map_err(|e| {
                        CliError::Other(format!("cannot write {}: {e}", path.display()))
                    })?;
                    println!("{n} decisions exported");
                }
                None => std::io::stdout()
                    .write_all(&bytes)
                    .map_err(|e| CliError::Other(format!("cannot write the export: {e}")))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { demo } => {
            let report = crate::seeding::load_all(&open()?, demo)?;
            for line in &report.lines {
                println!("{line}");
            }
            println!("seeds loaded on {}", url.backend());
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    password_stdin,
                    token_ttl_hours,
                    authority_id,
                },
        } => user_add(
            &open,
            &name,
            &role,
            password_stdin,
            token_ttl_hours,
            authority_id,
        ),
        Command::Calendar { command } => calendar(&open_existing()?, command),
        Command::Category { command } => category(&open_existing()?, command),
        Command::Deadlines {
            state,
            within,
            authority_id,
        } => {
            let app = open_existing()?;
            let lines = service::penalties::deadlines(
                &app,
                &Actor::command_line(),
                &service::penalties::DeadlineParams {
                    state: Some(state.clone()),
                    within,
                    authority_id,
                },
            )?;
            println!("id\tdecision_number\tdeadline\tstanding\tworking_days\tparty");
            for l in &lines {
                println!(
                    "{}\t{}\t{}{}\t{}\t{}\t{}",
                    l.record.id,
                    l.record.decision_number,
                    l.deadline,
                    if l.provisional { " (provisional)" } else { "" },
                    l.kind.code(),
                    l.working_days,
                    l.record.fields.party_name
                );
            }
            println!("{} decision(s)", lines.len());
            let plans = service::plan_deadlines::deadlines(
                &app,
                &Actor::command_line(),
                &service::plan_deadlines::PlanDeadlineParams {
                    state: Some(state),
                    within,
                },
            )?;
            println!();
            println!("plan\tresults_deadline\tstanding\tworking_days\ttitle");
            for l in &plans {
                println!(
                    "{}\t{}{}\t{}\t{}\t{}",
                    l.plan.id,
                    l.deadline,
                    if l.provisional { " (provisional)" } else { "" },
                    l.kind.code(),
                    l.working_days,
                    l.plan.fields.title
                );
            }
            println!("{} plan(s) with inspection results to publish", plans.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::PrivateText,
        } => {
            let found = service::privacy::scan(&open_existing()?)?;
            for f in &found {
                println!(
                    "{} {}: {}: {}",
                    f.object_type, f.object_id, f.field, f.message
                );
            }
            if found.is_empty() {
                println!("no stored public text holds private data");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "gongshi: {} stored public text(s) hold private data (listed above; the texts are not printed)",
                    found.len()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => match service::audit::verify(&open_existing()?)? {
            Ok(n) => {
                println!("audit chain intact: {n} record(s) verified");
                Ok(ExitCode::SUCCESS)
            }
            Err(broken) => {
                eprintln!(
                    "gongshi: audit chain broken at record {}: {broken}",
                    broken.seq()
                );
                Ok(ExitCode::FAILURE)
            }
        },
    }
}

fn serve(settings: crate::http::server::Settings) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Every use case runs on a blocking thread and most wait for one of the pool's
        // connections: more threads than twice the pool only wait longer, each with its own
        // allocator heap (tokio's default allows 512; at 16 concurrent clients the server grew to
        // 65 threads and 220 MiB). Requests beyond the cap queue in order.
        .max_blocking_threads((settings.pool_size as usize * 2).max(8))
        .build()
        .map_err(|e| CliError::Other(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let database = settings.database_url.redacted();
        let running = crate::http::server::start(settings).await?;
        tracing::info!(addr = %running.addr, %database, "gongshi listening");
        crate::http::server::shutdown_signal().await;
        running.stop().await;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

fn category(app: &App, command: CategoryCommand) -> Result<ExitCode, CliError> {
    use crate::service::categories::{self, Added};
    match command {
        CategoryCommand::List => {
            for c in categories::list(app)?.all() {
                println!(
                    "{}\t{}\t{}\t{}",
                    c.code,
                    c.label,
                    c.parent.as_ref().map_or("", |p| p.as_str()),
                    c.aliases.join(";")
                );
            }
        }
        CategoryCommand::Add {
            code,
            label,
            aliases,
            parent,
            regulation,
        } => {
            let raw = crate::domain::category::RawCategory {
                code: Some(code),
                label,
                aliases: Some(aliases),
                parent,
                regulation,
            };
            match categories::add(app, &Actor::command_line(), &raw)? {
                Added::Created(c) => println!("category {} ({}) added", c.code, c.label),
                Added::Aliased(c) => println!(
                    "category {} ({}) now also answers to: {}",
                    c.code,
                    c.label,
                    c.aliases.join(", ")
                ),
                Added::Unchanged(c) => {
                    println!("category {} ({}) already has all of that", c.code, c.label)
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn calendar(app: &App, command: CalendarCommand) -> Result<ExitCode, CliError> {
    match command {
        CalendarCommand::Load {
            file,
            region,
            year,
            source,
            confirm_incomplete,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| CliError::Other(format!("cannot read {}: {e}", file.display())))?;
            let rows = crate::io::calendar_csv::parse(&bytes)
                .map_err(crate::service::calendar::schedule_errors)?;
            let region = Region::parse(&region).map_err(|e| CliError::Other(e.to_string()))?;
            let (loaded, n) = service::calendar::load_year(
                app,
                &Actor::command_line(),
                &region,
                year,
                source.as_deref(),
                &rows,
                confirm_incomplete,
            )?;
            println!(
                "loaded {region} {year}: {n} special day(s), revision {}, source {}",
                loaded.revision, loaded.source
            );
        }
        CalendarCommand::Show { year, region } => {
            let (region, _, view) =
                service::calendar::year(app, region.as_deref(), &year.to_string())?;
            for layer in &view.layers {
                println!(
                    "# {} {year}: {} (revision {})",
                    layer.region, layer.source, layer.revision
                );
            }
            for s in &view.schedules {
                for d in s.days() {
                    println!(
                        "{}\t{}\t{}\t{}",
                        d.date,
                        d.kind.as_str(),
                        d.name,
                        s.region()
                    );
                }
            }
            println!("{} working days in {year} ({region})", view.workdays);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn user_add(
    open: &dyn Fn() -> Result<App, CliError>,
    name: &str,
    role: &str,
    password_stdin: bool,
    ttl_hours: i64,
    authority_id: Option<i64>,
) -> Result<ExitCode, CliError> {
    if !(1..=24 * 366).contains(&ttl_hours) {
        return Err(CliError::Other(
            "--token-ttl-hours must be between 1 and 8784".into(),
        ));
    }
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::Other(format!("cannot read the password from stdin: {e}")))?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (generate_password(), true)
    };
    let new = service::users::NewUser::parse(name, role, &password)?.bound_to(authority_id);
    let (user, token) = service::users::create_with_token(
        &open()?,
        &Actor::command_line(),
        new,
        chrono::Duration::hours(ttl_hours),
    )?;
    let mut out = std::io::stdout().lock();
    let bound = user
        .authority_id
        .map(|a| format!(", authority {a}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "created user '{}' (id {}, role {}{bound})",
        user.name, user.id, user.role
    );
    if generated {
        let _ = writeln!(out, "password: {password}");
    }
    let _ = writeln!(out, "token expires at {}:", token.expires_at);
    let _ = writeln!(out, "{}", token.token);
    Ok(ExitCode::SUCCESS)
}

/// 20 characters from an alphabet without look-alikes (~115 bits).
fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}
