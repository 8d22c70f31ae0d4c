//! The `hotline` binary run as a command in the repository, as a person
//! at a terminal would: its exit status and what it printed.

use std::ffi::OsStr;
use std::io::Write;
use std::process::{Command, Stdio};

use super::process::{binary, repo_dir};

/// One run of `hotline` to set up: `hotline(&["rules", "-"]).stdin(…).run()`.
pub struct Hotline {
    command: Command,
    input: Option<String>,
}

/// What a run ended with.
#[derive(Debug)]
pub struct Ran {
    /// The exit status; -1 when a signal ended it.
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `hotline <args>` in the repository's folder, with nothing on stdin.
pub fn hotline(args: &[&str]) -> Hotline {
    let mut command = Command::new(binary());
    command.current_dir(repo_dir()).args(args);
    Hotline {
        command,
        input: None,
    }
}

impl Hotline {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Hotline {
        self.command.arg(arg);
        self
    }

    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Hotline {
        self.command.env(name, value);
        self
    }

    pub fn env_remove(mut self, name: &str) -> Hotline {
        self.command.env_remove(name);
        self
    }

    /// Writes `text` to its stdin.
    pub fn stdin(mut self, text: &str) -> Hotline {
        self.input = Some(text.to_string());
        self
    }

    pub fn run(mut self) -> Ran {
        let stdin = if self.input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        };
        let mut child = self
            .command
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hotline runs");
        if let Some(input) = self.input {
            // The command may refuse its flags before reading stdin; then
            // the pipe is closed and the write fails, which is no failure
            // of the test.
            let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        }
        let output = child.wait_with_output().expect("hotline runs");
        Ran {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}
