//! Running [`Statement`]s on an sqlx pool, for any backend sqlx drives:
//! bind the arguments, run reads on the pool and a batch in one
//! transaction, read columns by name. The backends differ only in how
//! their pool is opened.

use sqlx::{
    AssertSqlSafe, ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type,
};

use super::batch::Transact;
use super::sql::{Arg, Columns, Statement};
use super::{Reads, StoreFuture, StoreResult};

/// A pool, for reads or (with its own pool) for the writer, which then
/// gets a fresh connection if one was lost.
#[derive(Debug)]
pub struct Pooled<DB: Database> {
    pub(crate) pool: Pool<DB>,
}

// By hand: a derive would ask `DB: Clone`, which no driver is.
impl<DB: Database> Clone for Pooled<DB> {
    fn clone(&self) -> Self {
        Pooled {
            pool: self.pool.clone(),
        }
    }
}

/// How many rows a statement changed; each driver has its own result type.
pub trait Changed {
    fn changed(&self) -> u64;
}

impl Changed for sqlx::sqlite::SqliteQueryResult {
    fn changed(&self) -> u64 {
        self.rows_affected()
    }
}

impl Changed for sqlx::postgres::PgQueryResult {
    fn changed(&self) -> u64 {
        self.rows_affected()
    }
}

fn query<DB>(statement: &Statement) -> sqlx::query::Query<'_, DB, DB::Arguments>
where
    DB: Database,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
{
    let mut query = sqlx::query(AssertSqlSafe(statement.sql.as_str()));
    for arg in &statement.args {
        query = match arg {
            Arg::Text(text) => query.bind(text.clone()),
            Arg::MaybeText(text) => query.bind(text.clone()),
            Arg::Int(number) => query.bind(*number),
        };
    }
    query
}

impl<DB> Transact for Pooled<DB>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    DB::QueryResult: Changed,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
{
    fn transact<'a>(&'a mut self, statements: &'a [Statement]) -> StoreFuture<'a, Vec<u64>> {
        Box::pin(async move {
            let mut transaction = self.pool.begin().await?;
            let mut changed = Vec::with_capacity(statements.len());
            for statement in statements {
                let done = query(statement).execute(&mut *transaction).await?;
                changed.push(statement.check(done.changed())?);
            }
            transaction.commit().await?;
            Ok(changed)
        })
    }
}

impl<DB> Reads for Pooled<DB>
where
    DB: Database,
    DB::Row: Columns,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
{
    type Row = DB::Row;

    fn fetch_all(&self, statement: Statement) -> StoreFuture<'_, Vec<DB::Row>> {
        Box::pin(async move { Ok(query(&statement).fetch_all(&self.pool).await?) })
    }

    fn close(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            self.pool.close().await;
            Ok(())
        })
    }
}

impl<R> Columns for R
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    fn text(&self, column: &str) -> StoreResult<String> {
        Ok(self.try_get(column)?)
    }

    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>> {
        Ok(self.try_get(column)?)
    }

    fn int(&self, column: &str) -> StoreResult<i64> {
        Ok(self.try_get(column)?)
    }
}
