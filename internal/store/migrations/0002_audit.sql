-- The hash-chained audit log (internal/audit).
-- Shipped: never edit this file; add a new migration instead (README.md).

-- seq is assigned by the store from audit_head, not by the database, so that
-- it runs 1, 2, 3… without gaps: a gap means a removed entry.
CREATE TABLE audit_log (
	seq     {{.BigInt}} PRIMARY KEY,
	time    {{.Time}} NOT NULL,
	actor   TEXT NOT NULL,
	role    TEXT NOT NULL,
	country TEXT NOT NULL,
	action  TEXT NOT NULL,
	target  TEXT NOT NULL,
	outcome TEXT NOT NULL,
	addr    TEXT NOT NULL,
	detail  TEXT NOT NULL,
	prev    {{.Blob}} NOT NULL,
	hash    {{.Blob}} NOT NULL
);
CREATE INDEX audit_log_country ON audit_log (country, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_target ON audit_log (target, seq);
CREATE INDEX audit_log_time ON audit_log (time);

-- The last entry: one row, locked (PostgreSQL: SELECT … FOR UPDATE) by every
-- append, which serialises appends and gives each one its predecessor. Its
-- copy of the last hash also lets verification notice a truncated tail.
CREATE TABLE audit_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  {{.BigInt}} NOT NULL,
	hash {{.Blob}}
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, NULL);

-- The application never updates or deletes audit entries; these triggers
-- make the database refuse it too, so that a bug or a stray statement
-- cannot rewrite history. They do not stop someone who owns the database
-- (they can drop the trigger): the keyed hash chain is what detects that.
{{- if .Postgres}}
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
{{- end}}
{{- if .SQLite}}
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;
{{- end}}
