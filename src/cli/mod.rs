//! The command line (contract §1). Flags are parsed here; each command lives
//! in its own file and turns them into calls on the core modules.
//!
//! A failure prints one line on stderr and exits with the status of its
//! kind (`CliError::exit_code`, listed in the README): bad input 2 (naming
//! the field), broken corpus or intents 3, anything else 1. A command never
//! panics on what a user typed.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Writes to standard output. When the reader has gone away (`hotline ask …
/// | head`) the command ends quietly with status 0, as other command-line
/// tools do; `print!` would panic instead.
pub(crate) fn write_out(text: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_fmt(text).and_then(|()| out.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("hotline: standard output: {error}");
        std::process::exit(1);
    }
}

/// `print!` and `println!` through [`write_out`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_out(format_args!($($arg)*)) };
}
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

pub mod agent;
pub mod ask;
pub mod chat;
pub mod misses;
pub mod rules;
pub mod serve;
pub mod test_dialogues;
pub mod understand;

#[derive(Debug, Parser)]
#[command(name = "hotline", version, about = "12345 热线异地就医备案助手")]
pub struct Cli {
    /// Folder holding the policy corpus and per-region rule data.
    #[arg(long, global = true, env = "HOTLINE_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Folder holding intents, slots and prompts.
    #[arg(
        long,
        global = true,
        env = "HOTLINE_INTENTS",
        default_value = "intents"
    )]
    pub intents: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve(serve::ServeArgs),
    /// Manage the agents who may use the agents' screen.
    #[command(subcommand)]
    Agent(agent::AgentCommand),
    /// Answer one free-text question from the policy texts.
    Ask(ask::AskArgs),
    /// Evaluate one application with the rules module and print the Decision.
    Rules(rules::RulesArgs),
    /// Talk to the dialogue in the terminal.
    Chat(chat::ChatArgs),
    /// Run scripted dialogue tests.
    TestDialogues(test_dialogues::TestDialoguesArgs),
    /// Show what the understanding layer makes of one utterance.
    Understand(understand::UnderstandArgs),
    /// List the questions refused or answered unsurely, most asked first.
    Misses(misses::MissesArgs),
}

/// What a command failed with, and the exit status that goes with it.
#[derive(Debug)]
pub enum CliError {
    /// The user's input was wrong: a flag, a file given to the command,
    /// an unknown id (status 2).
    Usage(String),
    /// The corpus or the intents do not load: every `path:line` problem
    /// (status 3), the same from every command.
    BrokenData(String),
    /// Something else went wrong: IO, the network, the database (status 1).
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Failed(_) => 1,
            CliError::Usage(_) => 2,
            CliError::BrokenData(_) => 3,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            CliError::Usage(message)
            | CliError::BrokenData(message)
            | CliError::Failed(message) => message,
        }
    }
}

/// `--today`, the clock of the commands that decide or read dates, parsed
/// in one place.
#[derive(Debug, clap::Args)]
pub struct Today {
    /// The day to work on (YYYY-MM-DD); defaults to the local date.
    #[arg(long = "today", value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

impl Today {
    pub fn day(&self) -> Result<chrono::NaiveDate, CliError> {
        match &self.today {
            Some(text) => parse_date("--today", text),
            None => Ok(chrono::Local::now().date_naive()),
        }
    }
}

/// Runs the parsed command line; returns the process exit status.
pub fn run(cli: Cli) -> i32 {
    let result = match &cli.command {
        Command::Serve(args) => serve::run(&cli, args),
        Command::Agent(command) => agent::run(command),
        Command::Ask(args) => ask::run(&cli, args),
        Command::Rules(args) => rules::run(&cli, args),
        Command::Chat(args) => chat::run(&cli, args),
        Command::TestDialogues(args) => test_dialogues::run(&cli, args),
        Command::Understand(args) => understand::run(&cli, args),
        Command::Misses(args) => misses::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("hotline: {}", error.message());
            error.exit_code()
        }
    }
}

/// Loads corpus and intents as the flags say; a broken data file is
/// `BrokenData`, naming every file and line.
pub fn load_assistant(cli: &Cli) -> Result<crate::Assistant, CliError> {
    crate::Assistant::load(&cli.corpus, &cli.intents)
        .map_err(|error| CliError::BrokenData(error.to_string()))
}

/// Parses `YYYY-MM-DD`, rejecting impossible dates by name.
pub fn parse_date(field: &str, text: &str) -> Result<chrono::NaiveDate, CliError> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| CliError::Usage(format!("{field}: `{text}` is not a date (YYYY-MM-DD)")))
}
