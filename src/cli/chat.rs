//! `hotline chat`: the dialogue in the terminal, same engine as the server.
//! One line typed is one caller utterance; an empty line or EOF ends it.

use std::io::{BufRead, Write};

use super::{Cli, CliError};
use crate::dialogue::{DialogueState, SessionChannel, Turn};

#[derive(Debug, clap::Args)]
pub struct ChatArgs {
    /// The caller's insured region (an id of corpus/regions.toml; the
    /// first one there when not given).
    #[arg(long)]
    pub region: Option<String>,
    /// phone, widget or agent: shapes the replies.
    #[arg(long, value_enum, default_value = "phone")]
    pub channel: ChannelArg,
    /// The session's clock.
    #[command(flatten)]
    pub today: super::Today,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ChannelArg {
    Phone,
    Widget,
    Agent,
}

impl From<ChannelArg> for SessionChannel {
    fn from(channel: ChannelArg) -> SessionChannel {
        match channel {
            ChannelArg::Phone => SessionChannel::Phone,
            ChannelArg::Widget => SessionChannel::Widget,
            ChannelArg::Agent => SessionChannel::Agent,
        }
    }
}

pub fn run(cli: &Cli, args: &ChatArgs) -> Result<i32, CliError> {
    let today = args.today.day()?;
    let assistant = super::load_assistant(cli)?;
    if let Some(region) = &args.region
        && !assistant.regions().contains(region)
    {
        return Err(CliError::Usage(format!(
            "--region: unknown region `{region}`; valid regions: {}",
            assistant.regions().join(", ")
        )));
    }
    let (mut session, greeting) =
        assistant.start_session(args.channel.into(), args.region.as_deref(), today);
    show(&greeting);
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.map_err(|error| CliError::Failed(error.to_string()))?;
        if line.trim().is_empty() {
            break;
        }
        let turn = assistant.turn(&mut session, &line);
        show(&turn);
        if matches!(turn.state, DialogueState::Done | DialogueState::Handoff)
            && turn.completed.is_some()
        {
            outln!(
                "（已登记：{}）",
                turn.completed
                    .as_ref()
                    .map(|c| c.decision.status.id())
                    .unwrap_or("")
            );
        }
    }
    Ok(0)
}

fn show(turn: &Turn) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "助手：{}", turn.reply);
    if let Some(suggestions) = &turn.suggestions {
        let _ = writeln!(out, "      [{}]", suggestions.join(" | "));
    }
    let status = turn
        .decision
        .as_ref()
        .map(|decision| decision.status.id())
        .unwrap_or("-");
    let _ = writeln!(
        out,
        "      ({:?} · {} · 还需: {})",
        turn.state,
        status,
        if turn.missing.is_empty() {
            "-".to_string()
        } else {
            turn.missing.join(", ")
        }
    );
    let _ = out.flush();
}
