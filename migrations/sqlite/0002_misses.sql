-- Questions the assistant refused or was unsure of, masked, with how often
-- each came, for the editors of the corpus. `region` is '' when the
-- question named none (a primary key column cannot be NULL-distinct).

CREATE TABLE misses (
    question  TEXT NOT NULL,
    region    TEXT NOT NULL,
    reason    TEXT NOT NULL,
    count     INTEGER NOT NULL,
    first_at  TEXT NOT NULL,
    last_at   TEXT NOT NULL,
    PRIMARY KEY (question, region)
);
CREATE INDEX misses_by_count ON misses (count DESC, last_at DESC);
