//! `hotline serve`: loads the assistant, opens the store and runs the HTTP
//! server until SIGTERM or Ctrl-C.
//!
//! Settings come from, in rising precedence: built-in defaults, the config
//! file (`hotline.toml`), the environment (`HOTLINE_*`), and flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::{Cli, CliError};
use crate::server::{self, AgentAccount, AppState, Settings};
use crate::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

/// Flags of `hotline serve`. Each can also be set by its environment
/// variable or in the config file (same name, with `_` for `-`).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Precedence: flags, then HOTLINE_* environment, then the config file \
(hotline.toml if present), then defaults. Log filter: RUST_LOG (default info)."
)]
pub struct ServeArgs {
    /// Config file (TOML). Default: ./hotline.toml when it exists.
    #[arg(long, env = "HOTLINE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080]. Port 0 picks a free port.
    #[arg(long, env = "HOTLINE_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Folder of the embedded database, created on first start [default: ./data].
    #[arg(long, env = "HOTLINE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL shared by several nodes (`postgres://user@host:port/db`)
    /// instead of the embedded SQLite under --data-dir [default: none].
    #[arg(long, env = "HOTLINE_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// One shared agents' token (audited as 值班坐席). Agents with their own
    /// names and tokens are listed in the config file's `[[agents]]` or
    /// added with `hotline agent add NAME` (kept in <data-dir>/agents.toml).
    /// With no agent at all the agents' endpoints answer 403.
    #[arg(long, env = "HOTLINE_AGENT_TOKEN", hide_env_values = true)]
    pub agent_token: Option<String>,
    /// Origins allowed by CORS (comma-separated; `*` for any) [default: none].
    #[arg(long, env = "HOTLINE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Option<Vec<String>>,
    /// Seconds of inactivity after which a session is closed [default: 1800].
    #[arg(long, env = "HOTLINE_SESSION_TTL_SECS")]
    pub session_ttl_secs: Option<u64>,
    /// Seconds allowed to answer a request [default: 30].
    #[arg(long, env = "HOTLINE_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Sustained requests per second per client IP [default: 20].
    #[arg(long, env = "HOTLINE_IP_RATE_PER_SECOND")]
    pub ip_rate_per_second: Option<u32>,
    /// Burst of requests per client IP [default: 200].
    #[arg(long, env = "HOTLINE_IP_BURST")]
    pub ip_burst: Option<u32>,
    /// Sustained requests per second per session [default: 5].
    #[arg(long, env = "HOTLINE_SESSION_RATE_PER_SECOND")]
    pub session_rate_per_second: Option<u32>,
    /// Burst of requests per session [default: 50].
    #[arg(long, env = "HOTLINE_SESSION_BURST")]
    pub session_burst: Option<u32>,
    /// Kilobytes of answers kept for repeated questions; 0 turns the
    /// cache off [default: 8192].
    #[arg(long, env = "HOTLINE_ANSWER_CACHE_KB")]
    pub answer_cache_kb: Option<usize>,
    /// Log line format [default: text].
    #[arg(long, env = "HOTLINE_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
}

/// The config file: the same settings as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    addr: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    agent_token: Option<String>,
    /// Agents with their own tokens: `[[agents]] name, token_sha256`.
    #[serde(default)]
    agents: Vec<AgentAccount>,
    cors_origins: Option<Vec<String>>,
    session_ttl_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    ip_rate_per_second: Option<u32>,
    ip_burst: Option<u32>,
    session_rate_per_second: Option<u32>,
    session_burst: Option<u32>,
    answer_cache_kb: Option<usize>,
    log_format: Option<LogFormat>,
}

fn read_config(explicit: Option<&Path>) -> Result<FileConfig, CliError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None if Path::new("hotline.toml").exists() => PathBuf::from("hotline.toml"),
        None => return Ok(FileConfig::default()),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|error| CliError::Usage(format!("{}: {error}", path.display())))?;
    toml::from_str(&text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start].lines().count().max(1))
            .unwrap_or(1);
        CliError::Usage(format!("{}:{line}: {}", path.display(), error.message()))
    })
}

/// The settings after merging flags/environment over the file over defaults.
struct Resolved {
    addr: SocketAddr,
    data_dir: PathBuf,
    database_url: Option<String>,
    log_format: LogFormat,
    settings: Settings,
}

/// Name in the audit log of whoever uses the one shared agents' token.
const SHARED_AGENT: &str = "值班坐席";

fn resolve(args: &ServeArgs, file: FileConfig) -> Resolved {
    let defaults = Settings::default();
    let shared = args
        .agent_token
        .clone()
        .or(file.agent_token)
        .filter(|token| !token.trim().is_empty())
        .map(|token| AgentAccount::with_token(SHARED_AGENT, &token));
    let agents = file.agents.into_iter().chain(shared).collect();
    let seconds =
        |value: Option<u64>, default: Duration| value.map(Duration::from_secs).unwrap_or(default);
    Resolved {
        addr: args
            .addr
            .or(file.addr)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        data_dir: args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data")),
        database_url: args.database_url.clone().or(file.database_url),
        log_format: args
            .log_format
            .or(file.log_format)
            .unwrap_or(LogFormat::Text),
        settings: Settings {
            agents,
            cors_origins: args
                .cors_origins
                .clone()
                .or(file.cors_origins)
                .unwrap_or_default(),
            session_ttl: seconds(
                args.session_ttl_secs.or(file.session_ttl_secs),
                defaults.session_ttl,
            ),
            request_timeout: seconds(
                args.request_timeout_secs.or(file.request_timeout_secs),
                defaults.request_timeout,
            ),
            ip_rate_per_second: args
                .ip_rate_per_second
                .or(file.ip_rate_per_second)
                .unwrap_or(defaults.ip_rate_per_second),
            ip_burst: args.ip_burst.or(file.ip_burst).unwrap_or(defaults.ip_burst),
            session_rate_per_second: args
                .session_rate_per_second
                .or(file.session_rate_per_second)
                .unwrap_or(defaults.session_rate_per_second),
            session_burst: args
                .session_burst
                .or(file.session_burst)
                .unwrap_or(defaults.session_burst),
            answer_cache_bytes: args
                .answer_cache_kb
                .or(file.answer_cache_kb)
                .map_or(defaults.answer_cache_bytes, |kb| kb.saturating_mul(1024)),
        },
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// How often freed memory is handed back to the system.
const TRIM_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// glibc keeps what a burst freed (a thousand callers' connection buffers)
/// in its arenas for reuse and does not give it back while the process
/// runs, so the resident size would stay at the busiest moment's. Asking
/// it every few seconds keeps the server's footprint near what it holds
/// now. A trim walks the free lists for a few milliseconds, on a blocking
/// thread so no request waits for it.
async fn return_freed_memory_forever() {
    let mut every = tokio::time::interval(TRIM_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim takes no pointers and only returns free pages.
        let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
    }
}

pub fn run(cli: &Cli, args: &ServeArgs) -> Result<i32, CliError> {
    let file = read_config(args.config.as_deref())?;
    let resolved = resolve(args, file);
    init_logging(resolved.log_format);
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|error| CliError::Failed(format!("cannot start the runtime: {error}")))?;
    runtime.block_on(async move {
        let assistant = super::load_assistant(cli)?;
        let store = store::open(resolved.database_url.as_deref(), &resolved.data_dir)
            .await
            .map_err(|error| {
                let place = match resolved.database_url {
                    Some(_) => "database".to_string(),
                    None => resolved.data_dir.display().to_string(),
                };
                CliError::Failed(format!("{place}: {error}"))
            })?;
        let mut resolved = resolved;
        let added = super::agent::load(&resolved.data_dir).map_err(CliError::Usage)?;
        resolved.settings.agents.extend(added);
        if resolved.settings.agents.is_empty() {
            tracing::warn!("no agent token configured: agent endpoints will refuse every request");
        }
        let listener = tokio::net::TcpListener::bind(resolved.addr)
            .await
            .map_err(|error| CliError::Failed(format!("{}: {error}", resolved.addr)))?;
        let address = listener
            .local_addr()
            .map_err(|error| CliError::Failed(error.to_string()))?;
        let database = if resolved.database_url.is_some() { "postgresql" } else { "sqlite" };
        tracing::info!(data_dir = %resolved.data_dir.display(), database, "listening on http://{address}");
        let trimmer = tokio::spawn(return_freed_memory_forever());
        let state = AppState::new(Arc::new(assistant), store.clone(), resolved.settings);
        server::serve(listener, state, shutdown_signal())
            .await
            .map_err(|error| CliError::Failed(format!("server: {error}")))?;
        trimmer.abort();
        let _ = store.close().await;
        tracing::info!("stopped");
        Ok(0)
    })
}
