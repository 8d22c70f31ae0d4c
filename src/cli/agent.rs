//! `hotline agent add NAME`: gives an agent their own token. The token is
//! printed once; only its SHA-256 is kept, in `<data-dir>/agents.toml`,
//! which `hotline serve` reads at start-up beside the config file's
//! `[[agents]]`. The audit log then names the agent behind every action.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::CliError;
use crate::server::AgentAccount;

#[derive(Debug, clap::Subcommand)]
pub enum AgentCommand {
    /// Add an agent and print their token (shown only this once).
    Add(AddArgs),
    /// List the agents added with `agent add` (names only).
    List(DataDirArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The agent's name as the audit log shows it, e.g. 李敏.
    pub name: String,
    #[command(flatten)]
    pub data: DataDirArgs,
}

#[derive(Debug, clap::Args)]
pub struct DataDirArgs {
    /// The server's data folder [default: ./data].
    #[arg(long, env = "HOTLINE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct AgentsFile {
    #[serde(default)]
    agents: Vec<AgentAccount>,
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("agents.toml")
}

/// The agents added with `agent add`; none when the file does not exist.
pub fn load(data_dir: &Path) -> Result<Vec<AgentAccount>, String> {
    let path = path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(format!("{}: {error}", path.display())),
    };
    let file: AgentsFile = toml::from_str(&text)
        .map_err(|error| format!("{}: {}", path.display(), error.message()))?;
    Ok(file.agents)
}

pub fn run(command: &AgentCommand) -> Result<i32, CliError> {
    match command {
        AgentCommand::Add(args) => add(args),
        AgentCommand::List(args) => {
            for agent in load(&args.data_dir).map_err(CliError::Usage)? {
                outln!("{}", agent.name);
            }
            Ok(0)
        }
    }
}

fn add(args: &AddArgs) -> Result<i32, CliError> {
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(CliError::Usage(
            "name: give the agent's name (1 to 40 characters)".into(),
        ));
    }
    let mut agents = load(&args.data.data_dir).map_err(CliError::Usage)?;
    if agents.iter().any(|agent| agent.name == name) {
        return Err(CliError::Usage(format!(
            "name: an agent named `{name}` already exists"
        )));
    }
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    let token = hex::encode(bytes);
    agents.push(AgentAccount::with_token(name, &token));
    let text = toml::to_string(&AgentsFile { agents })
        .map_err(|error| CliError::Failed(error.to_string()))?;
    std::fs::create_dir_all(&args.data.data_dir)
        .and_then(|()| std::fs::write(path(&args.data.data_dir), text))
        .map_err(|error| CliError::Failed(format!("{}: {error}", args.data.data_dir.display())))?;
    outln!("{token}");
    eprintln!("agent `{name}` added; the token above is shown only this once");
    Ok(0)
}
