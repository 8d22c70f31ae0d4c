-- A session's version, raised by every turn and by closing: a turn names
-- the version it was computed on and is refused if the session moved on.
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
