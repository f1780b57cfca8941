-- The hub as a witness of the nodes' audit logs (issue 10 H1): the signed
-- checkpoints of each node's audit log's head that the hub accepted, one
-- per (country, seq). The latest of a country is what its node's 'audit
-- verify' compares the log with. Nothing here is personal: entry numbers,
-- keyed hashes and signatures.
-- Shipped: never edit this file; add a new migration instead (README.md).

CREATE TABLE hub_checkpoints (
	country     TEXT NOT NULL,
	seq         {{.BigInt}} NOT NULL,
	hash        {{.Blob}},
	signed_at   {{.Time}} NOT NULL,
	sig         {{.Blob}} NOT NULL,
	cert_sig    {{.Blob}} NOT NULL,
	cert_serial TEXT NOT NULL,
	received_at {{.Time}} NOT NULL,
	PRIMARY KEY (country, seq)
);

-- A witness never forgets nor changes what it witnessed: the hub only ever
-- inserts here, and the database refuses the rest, as for audit_log.
{{- if .Postgres}}
CREATE FUNCTION hub_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'hub_checkpoints is append-only: % refused', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER hub_checkpoints_no_change BEFORE UPDATE OR DELETE ON hub_checkpoints
	FOR EACH ROW EXECUTE FUNCTION hub_checkpoints_append_only();
CREATE TRIGGER hub_checkpoints_no_truncate BEFORE TRUNCATE ON hub_checkpoints
	FOR EACH STATEMENT EXECUTE FUNCTION hub_checkpoints_append_only();
{{- end}}
{{- if .SQLite}}
CREATE TRIGGER hub_checkpoints_no_update BEFORE UPDATE ON hub_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'hub_checkpoints is append-only: UPDATE refused');
END;
CREATE TRIGGER hub_checkpoints_no_delete BEFORE DELETE ON hub_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'hub_checkpoints is append-only: DELETE refused');
END;
{{- end}}
