-- The public knowledge site (internal/site): items of every content type,
-- their translations, every revision, links between items and attachments.
-- Shipped: never edit this file; add a new migration instead (README.md).
--
-- One table holds every kind of item: what differs between kinds (an
-- event's place, a project's financing, a contact point's telephone) is in
-- meta, a JSON object of strings whose keys site.KindFields names. The
-- columns are what lists, filters, feeds and permissions need.
CREATE TABLE site_items (
	id          {{.ID}},
	kind        TEXT NOT NULL,          -- page, news, publication, event, project, member, meeting, contact, priority
	slug        TEXT NOT NULL,
	country     TEXT NOT NULL DEFAULT '', -- ISO 3166 code of a national item; '' for regional ones
	topic       TEXT NOT NULL DEFAULT '',
	year        INTEGER NOT NULL DEFAULT 0,
	status      TEXT NOT NULL,          -- draft, review, published, archived
	publish_at  {{.Time}},              -- when a published item appears; NULL until published
	starts_on   TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD: events, meetings
	ends_on     TEXT NOT NULL DEFAULT '',
	meta        TEXT NOT NULL DEFAULT '{}',
	seed        {{.Bool}} NOT NULL DEFAULT FALSE, -- written from the seeds; an editor may change it
	sort_key    INTEGER NOT NULL DEFAULT 0,
	created_at  {{.Time}} NOT NULL,
	updated_at  {{.Time}} NOT NULL,
	UNIQUE (kind, slug)
);
CREATE INDEX site_items_list ON site_items (kind, status, publish_at);

-- The current text of an item in one language. rev counts the saves of
-- this translation; source_rev is the English rev a translation was made
-- from, so a translation is out of date when English has moved on.
CREATE TABLE site_texts (
	item_id     {{.BigInt}} NOT NULL REFERENCES site_items (id) ON DELETE CASCADE,
	lang        TEXT NOT NULL,
	title       TEXT NOT NULL,
	summary     TEXT NOT NULL DEFAULT '',
	body        TEXT NOT NULL DEFAULT '',
	rev         INTEGER NOT NULL,
	source_rev  INTEGER NOT NULL DEFAULT 0,
	updated_at  {{.Time}} NOT NULL,
	PRIMARY KEY (item_id, lang)
{{- if .Postgres}},
	-- The search vector, built with the dictionary of the text's language
	-- (site.SearchConfig); written by the store with to_tsvector.
	tsv         TSVECTOR
{{- end}}
);
{{if .Postgres}}
CREATE INDEX site_texts_tsv ON site_texts USING GIN (tsv);
{{else}}
-- Full-text index of the texts, kept by the store beside site_texts.
CREATE VIRTUAL TABLE site_fts USING fts5 (
	title, summary, body,
	item_id UNINDEXED, lang UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 2'
);
{{end}}

-- Every saved version of every translation and of the item's fields, with
-- who saved it and when: the history editors read, diff and restore.
CREATE TABLE site_revisions (
	id          {{.ID}},
	item_id     {{.BigInt}} NOT NULL REFERENCES site_items (id) ON DELETE CASCADE,
	lang        TEXT NOT NULL,
	rev         INTEGER NOT NULL,
	title       TEXT NOT NULL,
	summary     TEXT NOT NULL DEFAULT '',
	body        TEXT NOT NULL DEFAULT '',
	meta        TEXT NOT NULL DEFAULT '{}',
	author      TEXT NOT NULL,          -- audit reference: "user:12", "system"
	author_name TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '', -- "created", "edited", "restored 3", "status published"
	created_at  {{.Time}} NOT NULL,
	UNIQUE (item_id, lang, rev)
);

-- Links between items, stored once and shown on both pages.
CREATE TABLE site_links (
	from_id {{.BigInt}} NOT NULL REFERENCES site_items (id) ON DELETE CASCADE,
	to_id   {{.BigInt}} NOT NULL REFERENCES site_items (id) ON DELETE CASCADE,
	PRIMARY KEY (from_id, to_id)
);
CREATE INDEX site_links_to ON site_links (to_id);

-- Files attached to an item (PDF, images), in the database so that its
-- backup holds them.
CREATE TABLE site_attachments (
	id           {{.ID}},
	item_id      {{.BigInt}} NOT NULL REFERENCES site_items (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         {{.BigInt}} NOT NULL,
	sha256       {{.Blob}} NOT NULL,
	data         {{.Blob}} NOT NULL,
	created_at   {{.Time}} NOT NULL
);
CREATE INDEX site_attachments_item ON site_attachments (item_id);
