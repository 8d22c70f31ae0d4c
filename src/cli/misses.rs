//! `hotline misses [--data-dir D | --database-url URL] [--limit N] [--json]`:
//! the questions the assistant refused or answered unsurely, masked, most
//! frequent first, read from the server's database. Editors add a synonym,
//! a tag or a passage for the most asked ones.

use std::path::PathBuf;

use super::CliError;
use crate::store::{self, MissEntry};

#[derive(Debug, clap::Args)]
pub struct MissesArgs {
    /// The server's data folder (its SQLite database) [default: ./data].
    #[arg(long, env = "HOTLINE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The PostgreSQL the servers share, instead of --data-dir.
    #[arg(long, env = "HOTLINE_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// At most this many questions.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    /// One JSON document: `{"misses": [...]}`.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &MissesArgs) -> Result<i32, CliError> {
    if args.limit == 0 {
        return Err(CliError::Usage("limit: must be at least 1".into()));
    }
    let url = args
        .database_url
        .as_deref()
        .filter(|url| !url.trim().is_empty());
    // Reading must not create an empty database where none was.
    if url.is_none() && !args.data_dir.join("hotline.sqlite3").exists() {
        return Err(CliError::Usage(format!(
            "data-dir: no database in {} (give the server's --data-dir or --database-url)",
            args.data_dir.display()
        )));
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|error| CliError::Failed(format!("cannot start the runtime: {error}")))?;
    let misses = runtime.block_on(async {
        let store = store::open(url, &args.data_dir).await?;
        let misses = store.misses(args.limit).await;
        store.close().await?;
        misses
    });
    let misses = misses.map_err(|error| CliError::Failed(error.to_string()))?;
    if args.json {
        let json = serde_json::to_string_pretty(&serde_json::json!({ "misses": misses }))
            .map_err(|error| CliError::Failed(error.to_string()))?;
        outln!("{json}");
    } else {
        out!("{}", table(&misses));
    }
    Ok(0)
}

/// One line per question: count, why, region, last asked, the question.
fn table(misses: &[MissEntry]) -> String {
    let mut out = String::new();
    for miss in misses {
        out.push_str(&format!(
            "{:>5}  {:<14}  {:<9}  {}  {}\n",
            miss.count,
            miss.reason,
            miss.region.as_deref().unwrap_or("-"),
            miss.last_at.format("%Y-%m-%d %H:%M"),
            miss.question
        ));
    }
    out
}
