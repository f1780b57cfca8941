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
