//! The real `hotline serve` binary as a child process, started through any
//! wrapper (for example a shell that lowers the file-size limit), with its
//! stderr kept for the assertions.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::AGENT_TOKEN;

/// Rate limits high enough that a load from one loopback client is not
/// refused: these tests are about faults, not about the limiter.
pub const NO_LIMITS: [&str; 8] = [
    "--ip-rate-per-second",
    "1000000",
    "--ip-burst",
    "1000000",
    "--session-rate-per-second",
    "100000",
    "--session-burst",
    "100000",
];

pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_hotline")
}

/// The arguments of `hotline serve` on `data_dir`, port 0, with the
/// agents' token and no rate limits.
pub fn serve_args(data_dir: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["serve", "--addr", "127.0.0.1:0", "--data-dir"]
        .into_iter()
        .map(String::from)
        .collect();
    args.push(data_dir.display().to_string());
    args.extend(["--agent-token", AGENT_TOKEN].map(String::from));
    args.extend(NO_LIMITS.map(String::from));
    args
}

/// A command in the repository with a clean environment for the server.
pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(repo_dir())
        .env_remove("RUST_LOG")
        .env_remove("HOTLINE_CONFIG")
        .env_remove("HOTLINE_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// A running server.
pub struct Server {
    child: Child,
    pub base: String,
    logs: Arc<Mutex<String>>,
}

impl Server {
    /// Spawns `command` and waits for its "listening on http://…" line.
    /// Err carries everything it printed when it exits or stays silent.
    pub fn start(mut command: Command) -> Result<Server, String> {
        let mut child = command.spawn().map_err(|error| error.to_string())?;
        let (logs, address_receiver) = watch_server_stderr(&mut child);
        match address_receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(address) => Ok(Server {
                child,
                base: format!("http://{address}"),
                logs,
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                Err(logs.lock().unwrap().clone())
            }
        }
    }

    /// `hotline serve` on `data_dir` with no wrapper.
    pub fn serve(data_dir: &Path) -> Server {
        Server::serve_with(data_dir, &[])
    }

    /// `hotline serve` on `data_dir` with `extra` flags (`--log-format json`).
    pub fn serve_with(data_dir: &Path, extra: &[&str]) -> Server {
        let mut command = command(binary());
        command.args(serve_args(data_dir)).args(extra);
        Server::start(command).unwrap_or_else(|logs| panic!("the server starts:\n{logs}"))
    }

    /// The child's process id (to send it a signal).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `limit` for the process to exit by itself.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// SIGKILL: no chance to flush or clean up. The logs stay readable.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The stderr thread reads what the process wrote before it died.
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

/// Copies a folder tree (the corpus, the intents) so a test can break it.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Reads `child`'s piped stderr on a thread: every line goes into the
/// returned log, and the address of its "listening on http://…" line is
/// sent on the returned channel.
pub fn watch_server_stderr(
    child: &mut std::process::Child,
) -> (
    std::sync::Arc<std::sync::Mutex<String>>,
    std::sync::mpsc::Receiver<String>,
) {
    use std::io::BufRead;
    let logs = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let (address_sender, address_receiver) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().expect("stderr is piped");
    let sink = logs.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let address: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                    .collect();
                let _ = address_sender.send(address);
            }
            let mut logs = sink.lock().unwrap();
            logs.push_str(&line);
            logs.push('\n');
        }
    });
    (logs, address_receiver)
}
