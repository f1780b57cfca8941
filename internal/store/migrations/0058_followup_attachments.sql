-- Attachments on follow-up threads (issue 11, internal/followup): files
-- (PDF, JPEG, PNG) a node attached to a thread and sealed to the other
-- node, or received from it. The coded columns are in clear for the
-- thread's list; the file's name and officer (meta) and the file (body)
-- rest sealed with the node's keyring (purpose "followup"), bound to the
-- thread and the attachment. att_id is the sender's identifier, the same
-- on both nodes.
-- Shipped: never edit this file; add a new migration instead (README.md).

CREATE TABLE followup_attachments (
	id           {{.ID}},
	request_id   {{.BigInt}} NOT NULL REFERENCES followup_requests (id) ON DELETE CASCADE,
	att_id       TEXT NOT NULL,
	direction    TEXT NOT NULL, -- out: this node attached it; in: received
	content_type TEXT NOT NULL,
	size         {{.BigInt}} NOT NULL,
	sha256       TEXT NOT NULL,
	handling     TEXT NOT NULL,
	evaluation   TEXT NOT NULL,
	created_by   TEXT NOT NULL,
	created_at   {{.Time}} NOT NULL,
	meta         {{.Blob}} NOT NULL,
	body         {{.Blob}} NOT NULL,
	UNIQUE (request_id, att_id)
);
CREATE INDEX followup_attachments_request ON followup_attachments (request_id, id);
