-- The SQLite schema (migrations/sqlite) in one step, column for column, so
-- that both backends run the same statements. Times are RFC 3339 UTC text
-- with microseconds, compared byte-wise (COLLATE "C") so they sort as text;
-- JSON is kept as text, as the store writes and reads it whole.

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    token_sha256  TEXT NOT NULL,
    channel       TEXT NOT NULL,
    region        TEXT NOT NULL,
    state         TEXT NOT NULL,
    session_json  TEXT NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    closed_at     TEXT COLLATE "C",
    -- Raised by every turn and by closing: a turn names the version it was
    -- computed on and is refused if the session moved on (another node).
    version       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_open ON sessions (closed_at, updated_at);

CREATE TABLE transcript (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    seq         BIGINT NOT NULL,
    role        TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE slot_history (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    seq         BIGINT NOT NULL,
    slot        TEXT NOT NULL,
    old_json    TEXT,
    new_json    TEXT,
    source      TEXT NOT NULL,
    at          TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE registrations (
    id                TEXT PRIMARY KEY,
    session_id        TEXT NOT NULL REFERENCES sessions (id),
    application_json  TEXT NOT NULL,
    decision_json     TEXT NOT NULL,
    created_at        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX registrations_session ON registrations (session_id);

CREATE TABLE audit_log (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT COLLATE "C" NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    session_id  TEXT,
    detail_json TEXT NOT NULL
);

-- Questions the assistant refused or was unsure of, masked, with how often
-- each came. `region` is '' when the question named none.
CREATE TABLE misses (
    question  TEXT NOT NULL,
    region    TEXT NOT NULL,
    reason    TEXT NOT NULL,
    count     BIGINT NOT NULL,
    first_at  TEXT COLLATE "C" NOT NULL,
    last_at   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (question, region)
);
CREATE INDEX misses_by_count ON misses (count DESC, last_at DESC);
