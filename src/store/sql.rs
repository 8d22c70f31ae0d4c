//! The SQL both backends run, written once: SQLite and PostgreSQL accept
//! the same statements here (`$n` parameters, `UPDATE … FROM (VALUES …)`,
//! `ON CONFLICT … DO UPDATE`), over tables of the same shape. A backend
//! only binds the arguments, runs the statements in a transaction and
//! hands back rows that answer [`Columns`].

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::batch::Write;
use super::{
    AuditEntry, Miss, MissEntry, RegistrationRecord, Role, SessionRecord, SessionSummary,
    SlotHistoryEntry, StoreError, StoreResult, TranscriptEntry, TurnWrite, time_text,
};
use crate::dialogue::{SessionChannel, SlotChange};
use crate::rules::{IdNumber, Phone};

/// A value bound to a statement's `$n`.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
}

/// One statement with its arguments.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub args: Vec<Arg>,
    /// The number of rows it must change; otherwise another turn got
    /// there first and the transaction is a conflict.
    pub must_change: Option<u64>,
}

impl Statement {
    pub fn new(sql: &str) -> Statement {
        Statement {
            sql: sql.to_string(),
            args: Vec::new(),
            must_change: None,
        }
    }

    pub fn bind(mut self, arg: Arg) -> Statement {
        self.args.push(arg);
        self
    }

    /// Adds `arg` and returns its placeholder.
    fn placeholder(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// Appends `(…), (…)`: one parenthesised row per item, each value
    /// either bound (`Some`) or written as SQL (`None` with its text).
    fn push_rows<T>(&mut self, items: &[T], mut row: impl FnMut(&T, &mut Vec<Value>)) {
        let mut rows = Vec::with_capacity(items.len());
        for item in items {
            let mut values = Vec::new();
            row(item, &mut values);
            let cells: Vec<String> = values
                .into_iter()
                .map(|value| match value {
                    Value::Bound(arg) => self.placeholder(arg),
                    Value::Sql(sql) => sql,
                    Value::Around(before, arg, after) => {
                        format!("{before}{}{after}", self.placeholder(arg))
                    }
                })
                .collect();
            rows.push(format!("({})", cells.join(", ")));
        }
        self.sql.push_str(&rows.join(", "));
    }

    /// Checks the rows a statement changed against [`Statement::must_change`].
    pub fn check(&self, changed: u64) -> StoreResult<u64> {
        match self.must_change {
            Some(expected) if expected != changed => Err(StoreError::Conflict),
            _ => Ok(changed),
        }
    }
}

/// One cell of a VALUES row.
enum Value {
    Bound(Arg),
    Sql(String),
    /// SQL around one bound value.
    Around(String, Arg, String),
}

fn text(value: impl Into<String>) -> Value {
    Value::Bound(Arg::Text(value.into()))
}

/// What the shared row readers need from a backend's row.
pub trait Columns {
    fn text(&self, column: &str) -> StoreResult<String>;
    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn int(&self, column: &str) -> StoreResult<i64>;
}

// ---- reads ----

pub(crate) fn session(id: &str) -> Statement {
    Statement::new("SELECT * FROM sessions WHERE id = $1").bind(Arg::Text(id.into()))
}

pub(crate) fn transcript(id: &str) -> Statement {
    Statement::new("SELECT role, text, at FROM transcript WHERE session_id = $1 ORDER BY seq")
        .bind(Arg::Text(id.into()))
}

pub(crate) fn slot_history(id: &str) -> Statement {
    Statement::new(
        "SELECT slot, old_json, new_json, source, at FROM slot_history \
         WHERE session_id = $1 ORDER BY seq",
    )
    .bind(Arg::Text(id.into()))
}

pub(crate) fn sessions(include_closed: bool) -> Statement {
    Statement::new(if include_closed {
        "SELECT * FROM sessions ORDER BY updated_at DESC"
    } else {
        "SELECT * FROM sessions WHERE closed_at IS NULL ORDER BY updated_at DESC"
    })
}

pub(crate) fn registration(id: &str) -> Statement {
    Statement::new("SELECT * FROM registrations WHERE id = $1").bind(Arg::Text(id.into()))
}

pub(crate) fn registrations_of(session_id: &str) -> Statement {
    Statement::new("SELECT id FROM registrations WHERE session_id = $1 ORDER BY created_at, id")
        .bind(Arg::Text(session_id.into()))
}

pub(crate) fn audit_log(session_id: Option<&str>) -> Statement {
    Statement::new(
        "SELECT * FROM audit_log WHERE ($1 IS NULL OR session_id = $1) ORDER BY seq DESC",
    )
    .bind(Arg::MaybeText(session_id.map(String::from)))
}

pub(crate) fn misses(limit: usize) -> Statement {
    Statement::new("SELECT * FROM misses ORDER BY count DESC, last_at DESC, question LIMIT $1")
        .bind(Arg::Int(i64::try_from(limit).unwrap_or(i64::MAX)))
}

// ---- rows ----

fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).or_else(|source| {
        let corrupt = || StoreError::Corrupt {
            what: what.to_string(),
            source,
        };
        // Rows written before numbers were checked at the door (an agent's
        // edit once kept "12345" as an ID number) would make the whole
        // session unreadable. Such a number is read as not given, so the
        // dialogue asks for it again; the row itself is left as it is.
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) else {
            return Err(corrupt());
        };
        if !drop_unchecked_numbers(&mut value) {
            return Err(corrupt());
        }
        let read = serde_json::from_value(value).map_err(|_| corrupt())?;
        tracing::warn!(
            what,
            "a stored ID number or phone fails its check: read as not given"
        );
        Ok(read)
    })
}

/// Sets to null every applicant's `id_number` or `phone` that fails its
/// check; whether any was.
fn drop_unchecked_numbers(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    let mut dropped = false;
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                if key == "applicant" {
                    dropped |=
                        drop_failing(field, "id_number", |text| IdNumber::parse(text).is_ok());
                    dropped |= drop_failing(field, "phone", |text| Phone::parse(text).is_ok());
                }
                dropped |= drop_unchecked_numbers(field);
            }
        }
        Value::Array(items) => {
            for item in items {
                dropped |= drop_unchecked_numbers(item);
            }
        }
        _ => {}
    }
    dropped
}

fn drop_failing(applicant: &mut serde_json::Value, key: &str, passes: fn(&str) -> bool) -> bool {
    match applicant.get_mut(key) {
        Some(field) if field.as_str().is_some_and(|text| !passes(text)) => {
            *field = serde_json::Value::Null;
            true
        }
        _ => false,
    }
}

pub(crate) fn parse_time(text: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|error| StoreError::Corrupt {
            what: format!("time `{text}`"),
            source: serde_json::Error::io(std::io::Error::other(error.to_string())),
        })
}

fn channel_id(channel: SessionChannel) -> String {
    to_json(&channel).trim_matches('"').to_string()
}

fn state_id<T: Serialize>(state: &T) -> String {
    to_json(state).trim_matches('"').to_string()
}

pub(crate) fn session_from_row(row: &impl Columns) -> StoreResult<SessionRecord> {
    let id = row.text("id")?;
    Ok(SessionRecord {
        session: from_json(&format!("session {id}"), &row.text("session_json")?)?,
        channel: from_json("channel", &format!("\"{}\"", row.text("channel")?))?,
        token_sha256: row.text("token_sha256")?,
        region: row.text("region")?,
        created_at: parse_time(&row.text("created_at")?)?,
        updated_at: parse_time(&row.text("updated_at")?)?,
        closed_at: row
            .maybe_text("closed_at")?
            .as_deref()
            .map(parse_time)
            .transpose()?,
        version: row.int("version")?,
        id,
    })
}

pub(crate) fn summary_from_row(row: &impl Columns) -> StoreResult<SessionSummary> {
    let record = session_from_row(row)?;
    Ok(SessionSummary {
        session_id: record.id,
        channel: record.channel,
        region: record.region,
        state: row.text("state")?,
        created_at: record.created_at,
        updated_at: record.updated_at,
        closed_at: record.closed_at,
        session: record.session,
    })
}

pub(crate) fn transcript_from_row(row: &impl Columns) -> StoreResult<TranscriptEntry> {
    Ok(TranscriptEntry {
        role: Role::parse(&row.text("role")?),
        text: row.text("text")?,
        at: parse_time(&row.text("at")?)?,
    })
}

pub(crate) fn slot_change_from_row(row: &impl Columns) -> StoreResult<SlotHistoryEntry> {
    let value = |column| -> StoreResult<Option<serde_json::Value>> {
        row.maybe_text(column)?
            .as_deref()
            .map(|text| from_json("slot value", text))
            .transpose()
    };
    let source = row.text("source")?;
    let (source, act) = match source.split_once(':') {
        Some((source, act)) => (source.to_string(), Some(act.to_string())),
        None => (source, None),
    };
    Ok(SlotHistoryEntry {
        slot: row.text("slot")?,
        old: value("old_json")?,
        new: value("new_json")?,
        source,
        act,
        at: parse_time(&row.text("at")?)?,
    })
}

pub(crate) fn registration_from_row(row: &impl Columns) -> StoreResult<RegistrationRecord> {
    Ok(RegistrationRecord {
        id: row.text("id")?,
        session_id: row.text("session_id")?,
        application: from_json("application", &row.text("application_json")?)?,
        decision: from_json("decision", &row.text("decision_json")?)?,
        created_at: parse_time(&row.text("created_at")?)?,
    })
}

pub(crate) fn audit_from_row(row: &impl Columns) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        at: parse_time(&row.text("at")?)?,
        actor: row.text("actor")?,
        action: row.text("action")?,
        session_id: row.maybe_text("session_id")?,
        detail: from_json("audit detail", &row.text("detail_json")?)?,
    })
}

pub(crate) fn miss_from_row(row: &impl Columns) -> StoreResult<MissEntry> {
    let region = row.text("region")?;
    Ok(MissEntry {
        question: row.text("question")?,
        region: (!region.is_empty()).then_some(region),
        reason: row.text("reason")?,
        count: u64::try_from(row.int("count")?).unwrap_or(0),
        first_at: parse_time(&row.text("first_at")?)?,
        last_at: parse_time(&row.text("last_at")?)?,
    })
}

// ---- writes ----

/// The statements of one batch, in order, and for each write the index
/// of the statement whose changed rows it reports (closing idle sessions
/// reports how many it closed; other writes report 1).
pub(crate) fn batch(writes: &[&Write]) -> (Vec<Statement>, Vec<Option<usize>>) {
    let mut statements = Vec::new();
    let mut reports = Vec::with_capacity(writes.len());
    let mut tables = Tables::default();
    for write in writes {
        match write {
            Write::CloseIdle { cutoff, now } => {
                reports.push(Some(statements.len()));
                statements.push(close_idle(*cutoff, *now));
            }
            other => {
                tables.add(other);
                reports.push(None);
            }
        }
    }
    statements.extend(tables.statements());
    (statements, reports)
}

/// Closing bumps the version too, so a turn computed on the open session
/// cannot land on the closed one.
fn close_idle(cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Statement {
    Statement::new(
        "UPDATE sessions SET closed_at = $1, version = version + 1 \
         WHERE closed_at IS NULL AND updated_at < $2",
    )
    .bind(Arg::Text(time_text(now)))
    .bind(Arg::Text(time_text(cutoff)))
}

/// The rows a batch of writes adds or changes, gathered by table: each
/// table then takes one statement however many callers the batch holds,
/// and the writer's time goes to the database, not to round trips.
#[derive(Default)]
struct Tables<'a> {
    new_sessions: Vec<&'a SessionRecord>,
    /// Session id and the turn that changes it.
    session_updates: Vec<(&'a str, &'a TurnWrite)>,
    transcript: Vec<(&'a str, &'a TranscriptEntry)>,
    slot_history: Vec<(&'a str, &'a SlotChange, DateTime<Utc>)>,
    registrations: Vec<&'a RegistrationRecord>,
    audit: Vec<&'a AuditEntry>,
    misses: Vec<&'a Miss>,
}

impl<'a> Tables<'a> {
    fn add(&mut self, write: &'a Write) {
        match write {
            Write::CreateSession { record, transcript } => {
                self.new_sessions.push(record);
                self.transcript
                    .extend(transcript.iter().map(|entry| (record.id.as_str(), entry)));
            }
            Write::Turn { session_id, write } => {
                self.session_updates.push((session_id, write));
                self.transcript.extend(
                    write
                        .transcript
                        .iter()
                        .map(|entry| (session_id.as_str(), entry)),
                );
                self.slot_history.extend(
                    write
                        .slot_changes
                        .iter()
                        .map(|change| (session_id.as_str(), change, write.at)),
                );
                self.registrations.extend(&write.registration);
                self.audit.extend(&write.audit);
            }
            Write::Audit(entry) => self.audit.push(entry),
            Write::Miss(miss) => self.misses.push(miss),
            Write::CloseIdle { .. } => {}
        }
    }

    /// The statements, parents before children (foreign keys), and the
    /// sessions' versions checked before anything of a turn is added.
    fn statements(mut self) -> Vec<Statement> {
        let mut statements = Vec::new();
        if !self.new_sessions.is_empty() {
            let mut insert = Statement::new(
                "INSERT INTO sessions (id, token_sha256, channel, region, state, session_json, \
                 created_at, updated_at, closed_at, version) VALUES ",
            );
            insert.push_rows(&self.new_sessions, |record, row| {
                row.extend([
                    text(&record.id),
                    text(&record.token_sha256),
                    text(channel_id(record.channel)),
                    text(&record.region),
                    text(state_id(&record.session.state)),
                    text(to_json(&record.session)),
                    text(time_text(record.created_at)),
                    text(time_text(record.updated_at)),
                    Value::Sql("NULL".into()),
                    Value::Bound(Arg::Int(record.version)),
                ]);
            });
            statements.push(insert);
        }
        if !self.session_updates.is_empty() {
            // Always in the same order, so two nodes' batches lock the
            // same sessions in the same order.
            self.session_updates.sort_by_key(|(id, _)| *id);
            let mut update = Statement::new(
                "UPDATE sessions SET state = turn.column2, session_json = turn.column3, \
                 updated_at = turn.column4, version = sessions.version + 1 FROM (VALUES ",
            );
            update.push_rows(&self.session_updates, |(id, write), row| {
                row.extend([
                    text(*id),
                    text(state_id(&write.session.state)),
                    text(to_json(&write.session)),
                    text(time_text(write.at)),
                    Value::Bound(Arg::Int(write.version)),
                ]);
            });
            update.sql.push_str(
                ") AS turn WHERE sessions.id = turn.column1 AND sessions.version = turn.column5",
            );
            update.must_change = Some(self.session_updates.len() as u64);
            statements.push(update);
        }
        if !self.transcript.is_empty() {
            let mut insert =
                Statement::new("INSERT INTO transcript (session_id, seq, role, text, at) VALUES ");
            let mut sequence = Sequence::new("transcript");
            insert.push_rows(&self.transcript, |(session_id, entry), row| {
                row.push(text(*session_id));
                row.push(sequence.next(session_id));
                row.extend([
                    text(entry.role.id()),
                    text(&entry.text),
                    text(time_text(entry.at)),
                ]);
            });
            statements.push(insert);
        }
        if !self.slot_history.is_empty() {
            let mut insert = Statement::new(
                "INSERT INTO slot_history (session_id, seq, slot, old_json, new_json, source, at) \
                 VALUES ",
            );
            let mut sequence = Sequence::new("slot_history");
            insert.push_rows(&self.slot_history, |(session_id, change, at), row| {
                row.push(text(*session_id));
                row.push(sequence.next(session_id));
                row.extend([
                    text(&change.slot),
                    Value::Bound(Arg::MaybeText(change.old.as_ref().map(to_json))),
                    Value::Bound(Arg::MaybeText(change.new.as_ref().map(to_json))),
                    text(match change.act {
                        Some(act) => format!("{}:{}", change.source, act.name()),
                        None => change.source.clone(),
                    }),
                    text(time_text(*at)),
                ]);
            });
            statements.push(insert);
        }
        if !self.registrations.is_empty() {
            let mut insert = Statement::new(
                "INSERT INTO registrations (id, session_id, application_json, decision_json, \
                 created_at) VALUES ",
            );
            insert.push_rows(&self.registrations, |registration, row| {
                row.extend([
                    text(&registration.id),
                    text(&registration.session_id),
                    text(to_json(&registration.application)),
                    text(to_json(&registration.decision)),
                    text(time_text(registration.created_at)),
                ]);
            });
            statements.push(insert);
        }
        if !self.audit.is_empty() {
            let mut insert = Statement::new(
                "INSERT INTO audit_log (at, actor, action, session_id, detail_json) VALUES ",
            );
            insert.push_rows(&self.audit, |entry, row| {
                row.extend([
                    text(time_text(entry.at)),
                    text(&entry.actor),
                    text(&entry.action),
                    Value::Bound(Arg::MaybeText(entry.session_id.clone())),
                    text(to_json(&entry.detail)),
                ]);
            });
            statements.push(insert);
        }
        // One statement per miss: PostgreSQL refuses to upsert the same
        // row twice in one statement, and the same question twice in a
        // batch must count twice.
        for miss in &self.misses {
            let at = time_text(miss.at);
            statements.push(
                Statement::new(
                    "INSERT INTO misses (question, region, reason, count, first_at, last_at) \
                     VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (question, region) DO UPDATE \
                     SET count = misses.count + 1, reason = excluded.reason, \
                     last_at = CASE WHEN misses.last_at > excluded.last_at \
                     THEN misses.last_at ELSE excluded.last_at END",
                )
                .bind(Arg::Text(miss.question.clone()))
                .bind(Arg::Text(miss.region.clone().unwrap_or_default()))
                .bind(Arg::Text(miss.reason.clone()))
                .bind(Arg::Text(at.clone()))
                .bind(Arg::Text(at)),
            );
        }
        statements
    }
}

/// Numbers a session's new rows in one INSERT: each row's `seq` is
/// `(SELECT MAX(seq) …) + k`, k counting that session's rows so far in the
/// statement, so no read is needed first. The subquery sees the table as
/// it was before the statement, so the numbers rise by one.
struct Sequence<'a> {
    table: &'static str,
    rows_so_far: Vec<(&'a str, usize)>,
}

impl<'a> Sequence<'a> {
    fn new(table: &'static str) -> Sequence<'a> {
        Sequence {
            table,
            rows_so_far: Vec::new(),
        }
    }

    /// The `seq` cell of the next row of `session_id`.
    fn next(&mut self, session_id: &'a str) -> Value {
        let k = match self
            .rows_so_far
            .iter_mut()
            .find(|(id, _)| *id == session_id)
        {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.rows_so_far.push((session_id, 1));
                1
            }
        };
        Value::Around(
            format!(
                "(SELECT COALESCE(MAX(seq), 0) FROM {} WHERE session_id = ",
                self.table
            ),
            Arg::Text(session_id.to_string()),
            format!(") + {k}"),
        )
    }
}
