//! What the test binaries share, in one place. A binary says `mod
//! support;` (`tests/api/main.rs`, one folder down, gives the path) and
//! uses the parts it needs:
//!
//! - `cli`: the `hotline` binary run as a command (status, stdout, stderr);
//! - `process`: `hotline serve` as a child process, its stderr kept;
//! - `server`: a server in the test's own process on port 0, a fresh data
//!   directory, and the requests a caller or an agent sends it;
//! - `client`: a caller's registration over HTTP against any server;
//! - `postgres`: a fresh PostgreSQL database per test.
//!
//! (`tests/fixtures/` holds the few fixtures the benchmarks and examples
//! share with the tests; they are `include!`d, having no `mod` to reach.)

// Each binary uses only some of these.
#![allow(dead_code)]

pub mod cli;
pub mod client;
pub mod postgres;
pub mod process;
pub mod server;

/// The agents' token every test server accepts.
pub const AGENT_TOKEN: &str = "agent-secret-for-tests";
