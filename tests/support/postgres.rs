//! The PostgreSQL the tests run against: `HOTLINE_TEST_DATABASE_URL`,
//! which `scripts/test` sets after starting a throwaway cluster
//! (`scripts/postgres`). Each test gets a database of its own. Without the
//! variable a test says so and passes, except under `CI=true`, where a
//! missing PostgreSQL is a failure.

use sqlx::{Connection, Executor, PgConnection};

/// A fresh, empty database's URL; `None` when no PostgreSQL is configured
/// (outside CI).
pub async fn fresh_database(test: &str) -> Option<String> {
    let Ok(base) = std::env::var("HOTLINE_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "HOTLINE_TEST_DATABASE_URL is not set: CI needs PostgreSQL (scripts/test starts one)"
        );
        eprintln!(
            "{test}: skipped, no PostgreSQL (run scripts/test, or set HOTLINE_TEST_DATABASE_URL)"
        );
        return None;
    };
    // Random first: PostgreSQL cuts names at 63 bytes.
    let mut name = format!("test_{:08x}_{test}", rand::random::<u32>());
    name.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    name.truncate(63);
    let mut admin = PgConnection::connect(&base).await.unwrap_or_else(|error| {
        panic!("cannot reach PostgreSQL at HOTLINE_TEST_DATABASE_URL: {error}")
    });
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .await
        .expect("create the test database");
    let _ = admin.close().await;
    let (server, _) = base.rsplit_once('/').expect("URL ends in /database");
    Some(format!("{server}/{name}"))
}
