//! The store's behaviour, one suite run against both backends: every case
//! below runs on SQLite (a temporary folder) and on PostgreSQL (a fresh
//! database on the cluster `scripts/test` starts). "Two nodes" are two
//! stores opened on the same database.

mod support;

use std::sync::Arc;

use support::postgres;

use chrono::{DateTime, Duration, Utc};
use hotline::dialogue::{Session, SessionChannel, SlotChange};
use hotline::rules::Application;
use hotline::store::{
    AuditEntry, Failure, Miss, Role, SessionRecord, Store, StoreError, TranscriptEntry, TurnWrite,
};

/// Where a case's stores live; kept alive for the case's length.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Backend {
    async fn sqlite() -> Backend {
        Backend::Sqlite(tempfile::tempdir().expect("temporary folder"))
    }

    async fn postgres(test: &str) -> Option<Backend> {
        postgres::fresh_database(test).await.map(Backend::Postgres)
    }

    /// A store on this backend's database; call twice for two nodes.
    async fn open(&self) -> Arc<dyn Store> {
        let (url, dir) = match self {
            Backend::Sqlite(dir) => (None, dir.path()),
            Backend::Postgres(url) => (Some(url.as_str()), std::path::Path::new("unused")),
        };
        hotline::store::open(url, dir).await.expect("store opens")
    }
}

/// Runs each named case on both backends, as `case::sqlite` and
/// `case::postgres`.
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test]
            async fn sqlite() {
                super::$case(super::Backend::sqlite().await).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(backend) = super::Backend::postgres(stringify!($case)).await {
                    super::$case(backend).await;
                }
            }
        }
    )*};
}

on_both_backends!(
    sessions_come_back_as_stored,
    turns_append_in_order_and_raise_the_version,
    a_turn_on_a_stale_version_is_refused_and_leaves_nothing,
    two_nodes_racing_on_one_session_apply_exactly_one_turn,
    many_sessions_in_one_batch_each_get_their_lines,
    idle_sessions_close_once_across_nodes_and_refuse_late_turns,
    a_taken_registration_id_is_a_conflict,
    the_audit_log_is_newest_first_and_filters_by_session,
    misses_are_counted_per_question_and_region,
    a_batch_of_misses_counts_each_as_one_by_one,
);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn dialogue() -> Session {
    serde_json::from_value(serde_json::json!({
        "channel": "phone", "today": "2026-11-23", "state": "collecting",
        "slots": Application::default(), "decision": null, "pending": null, "failures": 0
    }))
    .expect("a session")
}

fn record(id: &str, updated_at: DateTime<Utc>) -> SessionRecord {
    SessionRecord {
        id: id.to_string(),
        token_sha256: hotline::store::token_digest(id),
        channel: SessionChannel::Phone,
        region: "dongguan".into(),
        session: dialogue(),
        created_at: updated_at,
        updated_at,
        closed_at: None,
        version: 0,
    }
}

fn line(role: Role, text: &str, when: DateTime<Utc>) -> TranscriptEntry {
    TranscriptEntry {
        role,
        text: text.to_string(),
        at: when,
    }
}

/// A caller's line and the assistant's reply, on `version`.
fn turn(version: i64, text: &str, when: DateTime<Utc>) -> TurnWrite {
    TurnWrite {
        version,
        session: dialogue(),
        at: when,
        transcript: vec![
            line(Role::Caller, text, when),
            line(Role::Assistant, &format!("{text}：收到"), when),
        ],
        slot_changes: Vec::new(),
        registration: None,
        audit: None,
    }
}

async fn open_session(store: &dyn Store, id: &str) -> SessionRecord {
    let record = record(id, Utc::now());
    store
        .create_session(&record, &[line(Role::Assistant, "您好", record.created_at)])
        .await
        .expect("session stored");
    record
}

async fn texts(store: &dyn Store, id: &str) -> Vec<String> {
    let lines = store.transcript(id).await.expect("transcript");
    lines.into_iter().map(|entry| entry.text).collect()
}

fn is_conflict(outcome: &Result<(), StoreError>) -> bool {
    matches!(outcome, Err(error) if error.failure() == Failure::Conflict)
}

async fn sessions_come_back_as_stored(backend: Backend) {
    let store = backend.open().await;
    let created = at("2026-11-23T09:00:00.123456Z");
    let mut stored = record("s_round", created);
    stored.session.pending = Some("applicant.phone".into());
    store
        .create_session(
            &stored,
            &[line(Role::Assistant, "您好，这里是12345", created)],
        )
        .await
        .unwrap();
    let back = store.session("s_round").await.unwrap().expect("found");
    assert_eq!(back.id, "s_round");
    assert_eq!(back.token_sha256, stored.token_sha256);
    assert_eq!(back.channel, SessionChannel::Phone);
    assert_eq!(back.region, "dongguan");
    assert_eq!(back.session.pending.as_deref(), Some("applicant.phone"));
    assert_eq!((back.created_at, back.updated_at), (created, created));
    assert_eq!((back.closed_at, back.version), (None, 0));
    assert_eq!(
        texts(store.as_ref(), "s_round").await,
        ["您好，这里是12345"]
    );
    assert!(store.session("s_unknown").await.unwrap().is_none());
    let listed = store.list_sessions(false).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].session_id.as_str(), listed[0].state.as_str()),
        ("s_round", "collecting")
    );
}

async fn turns_append_in_order_and_raise_the_version(backend: Backend) {
    let store = backend.open().await;
    open_session(store.as_ref(), "s_turns").await;
    let now = Utc::now();
    let mut first = turn(0, "我想办异地备案", now);
    first.slot_changes.push(SlotChange {
        slot: "applicant.phone".into(),
        old: None,
        new: Some(serde_json::json!("13800138000")),
        source: "caller".into(),
        act: None,
    });
    store.record_turn("s_turns", &first).await.unwrap();
    store
        .record_turn("s_turns", &turn(1, "去海南三亚", now))
        .await
        .unwrap();
    assert_eq!(
        texts(store.as_ref(), "s_turns").await,
        [
            "您好",
            "我想办异地备案",
            "我想办异地备案：收到",
            "去海南三亚",
            "去海南三亚：收到"
        ]
    );
    let roles: Vec<Role> = store
        .transcript("s_turns")
        .await
        .unwrap()
        .iter()
        .map(|entry| entry.role)
        .collect();
    assert_eq!(roles[1..3], [Role::Caller, Role::Assistant]);
    let history = store.slot_history("s_turns").await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].new, Some(serde_json::json!("13800138000")));
    assert_eq!(history[0].old, None);
    let back = store.session("s_turns").await.unwrap().unwrap();
    assert_eq!(back.version, 2);
    assert!(back.updated_at >= now - Duration::seconds(1));
}

async fn a_turn_on_a_stale_version_is_refused_and_leaves_nothing(backend: Backend) {
    let store = backend.open().await;
    open_session(store.as_ref(), "s_stale").await;
    store
        .record_turn("s_stale", &turn(0, "第一句", Utc::now()))
        .await
        .unwrap();
    let stale = store
        .record_turn("s_stale", &turn(0, "迟到的一句", Utc::now()))
        .await;
    assert!(is_conflict(&stale), "{stale:?}");
    assert_eq!(
        texts(store.as_ref(), "s_stale").await,
        ["您好", "第一句", "第一句：收到"]
    );
    assert_eq!(store.session("s_stale").await.unwrap().unwrap().version, 1);
    // A turn on a session nobody has is refused too.
    assert!(
        store
            .record_turn("s_nobody", &turn(0, "无主", Utc::now()))
            .await
            .is_err()
    );
}

async fn two_nodes_racing_on_one_session_apply_exactly_one_turn(backend: Backend) {
    let (a, b) = (backend.open().await, backend.open().await);
    open_session(a.as_ref(), "s_race").await;
    for round in 0..10 {
        let version = a.session("s_race").await.unwrap().unwrap().version;
        let now = Utc::now();
        let on_a = turn(version, &format!("A{round}"), now);
        let on_b = turn(version, &format!("B{round}"), now);
        let (from_a, from_b) = tokio::join!(
            a.record_turn("s_race", &on_a),
            b.record_turn("s_race", &on_b)
        );
        assert!(
            from_a.is_ok() != from_b.is_ok(),
            "round {round}: exactly one applies: {from_a:?} {from_b:?}"
        );
        let loser = if from_a.is_ok() { &from_b } else { &from_a };
        assert!(is_conflict(loser), "{loser:?}");
    }
    let lines = texts(b.as_ref(), "s_race").await;
    assert_eq!(lines.len(), 1 + 2 * 10, "{lines:?}");
    for round in 0..10 {
        let said = &lines[1 + 2 * round];
        assert!(
            said == &format!("A{round}") || said == &format!("B{round}"),
            "{lines:?}"
        );
        assert_eq!(lines[2 + 2 * round], format!("{said}：收到"));
    }
    assert_eq!(a.session("s_race").await.unwrap().unwrap().version, 10);
}

async fn many_sessions_in_one_batch_each_get_their_lines(backend: Backend) {
    let store = backend.open().await;
    let mut ids = Vec::new();
    for n in 0..12 {
        let id = format!("s_batch{n:02}");
        open_session(store.as_ref(), &id).await;
        ids.push(id);
    }
    let writes: Vec<TurnWrite> = ids
        .iter()
        .map(|id| turn(0, &format!("第一句 {id}"), Utc::now()))
        .collect();
    // Sent together, they share commits; one stale turn among them fails
    // alone.
    let stale = turn(7, "过期", Utc::now());
    let outcomes = futures_util::future::join_all(
        ids.iter()
            .zip(&writes)
            .map(|(id, write)| store.record_turn(id, write))
            .chain([store.record_turn(&ids[0], &stale)]),
    )
    .await;
    let (stale_outcome, fresh) = outcomes.split_last().unwrap();
    assert!(fresh.iter().all(Result::is_ok), "{fresh:?}");
    assert!(is_conflict(stale_outcome), "{stale_outcome:?}");
    for id in &ids {
        let lines = texts(store.as_ref(), id).await;
        assert_eq!(
            lines,
            [
                "您好".to_string(),
                format!("第一句 {id}"),
                format!("第一句 {id}：收到")
            ]
        );
    }
}

async fn idle_sessions_close_once_across_nodes_and_refuse_late_turns(backend: Backend) {
    let (a, b) = (backend.open().await, backend.open().await);
    let long_ago = Utc::now() - Duration::hours(2);
    a.create_session(&record("s_idle", long_ago), &[])
        .await
        .unwrap();
    open_session(a.as_ref(), "s_active").await;
    let cutoff = Utc::now() - Duration::minutes(30);
    let now = Utc::now();
    let (closed_a, closed_b) = tokio::join!(a.close_idle(cutoff, now), b.close_idle(cutoff, now));
    assert_eq!(
        closed_a.unwrap() + closed_b.unwrap(),
        1,
        "closed once, by one node"
    );
    let idle = a.session("s_idle").await.unwrap().unwrap();
    assert!(idle.closed_at.is_some());
    assert!(
        a.session("s_active")
            .await
            .unwrap()
            .unwrap()
            .closed_at
            .is_none()
    );
    // A turn computed while the session was still open does not land.
    let late = a
        .record_turn("s_idle", &turn(0, "还在吗", Utc::now()))
        .await;
    assert!(is_conflict(&late), "{late:?}");
    let open: Vec<String> = a
        .list_sessions(false)
        .await
        .unwrap()
        .into_iter()
        .map(|summary| summary.session_id)
        .collect();
    assert_eq!(open, ["s_active"]);
    assert_eq!(a.list_sessions(true).await.unwrap().len(), 2);
}

async fn a_taken_registration_id_is_a_conflict(backend: Backend) {
    let (a, b) = (backend.open().await, backend.open().await);
    open_session(a.as_ref(), "s_reg1").await;
    open_session(a.as_ref(), "s_reg2").await;
    let decision = serde_json::from_value(serde_json::json!({
        "status": "accepted", "class": "long_term", "registration_required": true,
        "missing_materials": [], "required_materials": [{"any_of": ["id_card"]}],
        "channels": ["phone"], "validity": {"start": "2026-11-23", "end": null},
        "change_allowed_from": null, "processing_deadline": "2026-11-23",
        "supplement_deadline": null, "ratio_delta_points": {"home": null, "registered_place": null},
        "personal_account_to": null, "registered_to": "海南省三亚市", "missing_facts": [],
        "notes": [], "citations": []
    }))
    .expect("a decision");
    let registered = |session: &str| {
        let mut write = turn(0, "确认", Utc::now());
        write.registration = Some(hotline::store::RegistrationRecord {
            id: "r_same".into(),
            session_id: session.into(),
            application: Application::default(),
            decision: Clone::clone(&decision),
            created_at: Utc::now(),
        });
        write
    };
    a.record_turn("s_reg1", &registered("s_reg1"))
        .await
        .unwrap();
    let second = b.record_turn("s_reg2", &registered("s_reg2")).await;
    assert!(is_conflict(&second), "{second:?}");
    assert_eq!(
        a.registration("r_same").await.unwrap().unwrap().session_id,
        "s_reg1"
    );
    assert_eq!(b.registrations_of("s_reg1").await.unwrap(), ["r_same"]);
    assert!(b.registrations_of("s_reg2").await.unwrap().is_empty());
    assert_eq!(
        texts(b.as_ref(), "s_reg2").await,
        ["您好"],
        "nothing of the refused turn"
    );
}

async fn the_audit_log_is_newest_first_and_filters_by_session(backend: Backend) {
    let store = backend.open().await;
    open_session(store.as_ref(), "s_audit").await;
    for (n, session) in [Some("s_audit"), None, Some("s_audit")]
        .into_iter()
        .enumerate()
    {
        store
            .add_audit(&AuditEntry {
                at: Utc::now(),
                actor: "王坐席".into(),
                action: format!("action{n}"),
                session_id: session.map(String::from),
                detail: serde_json::json!({"n": n}),
            })
            .await
            .unwrap();
    }
    let all: Vec<String> = store
        .audit_log(None)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(all, ["action2", "action1", "action0"]);
    let of_session = store.audit_log(Some("s_audit")).await.unwrap();
    assert_eq!(of_session.len(), 2);
    assert_eq!(of_session[0].detail, serde_json::json!({"n": 2}));
    assert_eq!(of_session[0].actor, "王坐席");
}

async fn misses_are_counted_per_question_and_region(backend: Backend) {
    let store = backend.open().await;
    let miss = |region: Option<&str>, when: &str| Miss {
        question: "住院能住几天".into(),
        region: region.map(String::from),
        reason: "refused".into(),
        at: at(when),
    };
    let early = "2026-11-23T09:00:00.000000Z";
    let late = "2026-11-23T10:00:00.000000Z";
    // Two at once go through one batch; the third in a later one.
    let twice = miss(Some("dongguan"), late);
    let (first, second) = tokio::join!(store.record_miss(&twice), store.record_miss(&twice));
    first.unwrap();
    second.unwrap();
    store
        .record_miss(&miss(Some("dongguan"), early))
        .await
        .unwrap();
    store.record_miss(&miss(None, early)).await.unwrap();
    let misses = store.misses(10).await.unwrap();
    assert_eq!(misses.len(), 2);
    assert_eq!(misses[0].count, 3);
    assert_eq!(misses[0].region.as_deref(), Some("dongguan"));
    assert_eq!(
        (misses[0].first_at, misses[0].last_at),
        (at(late), at(late))
    );
    assert_eq!((misses[1].count, misses[1].region.as_deref()), (1, None));
    assert_eq!(store.misses(1).await.unwrap().len(), 1);
}

/// Misses that reach the writer together (one commit) leave the rows the
/// same misses one by one would: each question counted as often as it
/// came, first_at the first one's time, last_at the latest, the reason the
/// last one's; a row already there only counts up.
async fn a_batch_of_misses_counts_each_as_one_by_one(backend: Backend) {
    let store = backend.open().await;
    let miss = |question: &str, reason: &str, when: &str| Miss {
        question: question.into(),
        region: Some("jining".into()),
        reason: reason.into(),
        at: at(when),
    };
    let nine = "2026-11-23T09:00:00.000000Z";
    let ten = "2026-11-23T10:00:00.000000Z";
    let eleven = "2026-11-23T11:00:00.000000Z";
    store
        .record_miss(&miss("发票丢了怎么办", "refused", nine))
        .await
        .unwrap();
    let batch = [
        miss("住院能住几天", "low_confidence", ten),
        miss("发票丢了怎么办", "off_topic", eleven),
        miss("住院能住几天", "refused", nine),
        miss("发票丢了怎么办", "low_confidence", ten),
        miss("住院能住几天", "off_topic", eleven),
    ];
    let (a, b, c, d, e) = tokio::join!(
        store.record_miss(&batch[0]),
        store.record_miss(&batch[1]),
        store.record_miss(&batch[2]),
        store.record_miss(&batch[3]),
        store.record_miss(&batch[4]),
    );
    for outcome in [a, b, c, d, e] {
        outcome.unwrap();
    }
    let misses = store.misses(10).await.unwrap();
    let row = |question: &str| {
        let entry = misses
            .iter()
            .find(|entry| entry.question == question)
            .unwrap();
        (
            entry.count,
            entry.reason.as_str(),
            entry.first_at,
            entry.last_at,
        )
    };
    assert_eq!(misses.len(), 2);
    assert_eq!(row("住院能住几天"), (3, "off_topic", at(ten), at(eleven)));
    assert_eq!(
        row("发票丢了怎么办"),
        (3, "low_confidence", at(nine), at(eleven))
    );
}

/// A database that cannot be reached is "unavailable" (503 over HTTP),
/// not an internal fault; storage full, conflicts and the rest keep their
/// own meaning whatever the driver.
#[tokio::test]
async fn failures_are_sorted_by_meaning() {
    let nowhere = hotline::store::open(
        Some("postgres://hotline@127.0.0.1:1/nowhere"),
        std::path::Path::new("unused"),
    )
    .await;
    let error = nowhere.err().expect("nothing listens on port 1");
    assert_eq!(error.failure(), Failure::Unavailable, "{error}");
    let full = StoreError::Io(std::io::Error::from(std::io::ErrorKind::StorageFull));
    assert_eq!(full.failure(), Failure::Full);
    assert_eq!(StoreError::Conflict.failure(), Failure::Conflict);
    assert_eq!(
        StoreError::Database(sqlx::Error::PoolTimedOut).failure(),
        Failure::Unavailable
    );
    assert_eq!(
        StoreError::Database(sqlx::Error::RowNotFound).failure(),
        Failure::Internal
    );
    let unknown =
        hotline::store::open(Some("mysql://somewhere/db"), std::path::Path::new("unused")).await;
    assert!(
        unknown
            .err()
            .expect("refused")
            .to_string()
            .contains("unsupported database URL")
    );
}

/// Before numbers were checked at the door an agent's edit could store "12345"
/// as an ID number. Such a session still loads: the number that fails its
/// check is read as not given (the dialogue asks for it again), and nothing
/// else in the session changes.
#[tokio::test]
async fn a_session_stored_with_an_unchecked_number_still_loads() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = hotline::store::open(None, dir.path()).await.unwrap();
    let mut stored = record("s_old", Utc::now());
    stored.session.pending = Some("applicant.name".into());
    store.create_session(&stored, &[]).await.unwrap();
    let good_phone = "13800138000";
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("hotline.sqlite3").display()
    ))
    .await
    .unwrap();
    let json: String = sqlx::query_scalar("SELECT session_json FROM sessions WHERE id = 's_old'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut session: serde_json::Value = serde_json::from_str(&json).unwrap();
    session["slots"]["applicant"] =
        serde_json::json!({"name": "张三", "id_number": "12345", "phone": good_phone});
    sqlx::query("UPDATE sessions SET session_json = ? WHERE id = 's_old'")
        .bind(session.to_string())
        .execute(&pool)
        .await
        .unwrap();

    let back = store.session("s_old").await.unwrap().expect("found");
    let applicant = back.session.slots.applicant.expect("applicant kept");
    assert_eq!(applicant.id_number, None);
    assert_eq!(applicant.phone.as_deref(), Some(good_phone));
    assert_eq!(applicant.name.as_deref(), Some("张三"));
    assert_eq!(back.session.pending.as_deref(), Some("applicant.name"));
    assert_eq!(store.list_sessions(false).await.unwrap().len(), 1);
}
