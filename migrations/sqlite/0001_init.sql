-- Sessions, their transcript and slot history, registrations and the
-- audit log of agent actions. Times are RFC 3339 UTC text with
-- microseconds, so they sort as text.

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    token_sha256  TEXT NOT NULL,
    channel       TEXT NOT NULL,
    region        TEXT NOT NULL,
    state         TEXT NOT NULL,
    session_json  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    closed_at     TEXT
);
CREATE INDEX sessions_open ON sessions (closed_at, updated_at);

CREATE TABLE transcript (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    seq         INTEGER NOT NULL,
    role        TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE slot_history (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    seq         INTEGER NOT NULL,
    slot        TEXT NOT NULL,
    old_json    TEXT,
    new_json    TEXT,
    source      TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE registrations (
    id                TEXT PRIMARY KEY,
    session_id        TEXT NOT NULL REFERENCES sessions (id),
    application_json  TEXT NOT NULL,
    decision_json     TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX registrations_session ON registrations (session_id);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    session_id  TEXT,
    detail_json TEXT NOT NULL
);
