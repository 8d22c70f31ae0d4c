//! `hotline test-dialogues <file-or-dir>... [--junit FILE]`: runs scripted
//! dialogues through the same engine the server uses, prints a line per
//! script and `N passed, N failed` last; exit 1 if any failed.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Cli, CliError};
use crate::Assistant;
use crate::dialogue::script::{self, Driver, Script};
use crate::dialogue::{self, Session};

#[derive(Debug, clap::Args)]
pub struct TestDialoguesArgs {
    /// Script files, or folders of `*.yaml` scripts.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also write a JUnit XML report here.
    #[arg(long)]
    pub junit: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &TestDialoguesArgs) -> Result<i32, CliError> {
    let files = script_files(&args.paths)?;
    let mut scripts = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|error| CliError::Usage(format!("{}: {error}", file.display())))?;
        scripts.push(script::parse(&file.display().to_string(), &text).map_err(CliError::Usage)?);
    }
    let assistant = super::load_assistant(cli)?;
    let mut outcomes = Vec::new();
    for script in &scripts {
        let mut driver = InProcess {
            assistant: &assistant,
            session: None,
        };
        let outcome = script::run(script, &mut driver);
        if outcome.passed() {
            outln!("ok    {}", outcome.name);
        } else {
            outln!("FAIL  {}", outcome.name);
            for failure in &outcome.failures {
                outln!("      {failure}");
            }
        }
        outcomes.push(outcome);
    }
    if let Some(path) = &args.junit {
        std::fs::write(path, script::junit(&outcomes))
            .map_err(|error| CliError::Failed(format!("{}: {error}", path.display())))?;
    }
    let tally = script::tally(&outcomes);
    let failed = tally.get(&false).copied().unwrap_or(0);
    outln!(
        "{} passed, {failed} failed",
        tally.get(&true).copied().unwrap_or(0)
    );
    Ok(if failed == 0 { 0 } else { 1 })
}

/// The script files named: files as given, folders as their `*.yaml`
/// files in name order.
pub fn script_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|error| CliError::Usage(format!("{}: {error}", path.display())))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|file| is_yaml(file))
                .collect();
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(CliError::Usage(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
    }
    Ok(files)
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Drives the engine directly, the way the server would.
pub struct InProcess<'a> {
    pub assistant: &'a Assistant,
    pub session: Option<Session>,
}

impl Driver for InProcess<'_> {
    fn start(&mut self, script: &Script) -> Result<Value, String> {
        let (session, turn) =
            self.assistant
                .start_session(script.channel, Some(&script.region), script.today);
        self.session = Some(session);
        serde_json::to_value(turn).map_err(|error| error.to_string())
    }

    fn send(&mut self, text: &str) -> Result<Value, String> {
        let session = self.session.as_mut().ok_or("no session")?;
        let turn = self.assistant.turn(session, text);
        let mut turn = serde_json::to_value(turn).map_err(|error| error.to_string())?;
        mask_as_served(session, &mut turn);
        Ok(turn)
    }

    fn session(&mut self) -> Result<Value, String> {
        let session = self.session.as_ref().ok_or("no session")?;
        // The final check reads the session as an agent would: whole.
        Ok(dialogue::view(session))
    }
}

/// A widget caller sees their ID number masked (their own name and phone
/// whole), exactly as the server serves it, so a script expects the same
/// turns in-process and over HTTP.
fn mask_as_served(session: &Session, turn: &mut Value) {
    if session.channel == crate::dialogue::SessionChannel::Widget {
        crate::server::pii::mask_ids_json(turn);
    }
}
