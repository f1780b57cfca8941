-- A generation number for each block of the duplicate check (the
-- children of a country born in a year with a sex), and a log of which
-- child each generation changed. The database raises the generation and
-- writes the log whenever a child of the block is added, removed, or
-- changes its block or linkage encoding, in the same transaction,
-- whoever writes. A node keeps the opened encodings of a block in memory
-- and, when the generation has moved, reads again only the children the
-- log names (store/cases_blockcache.go); without it every registration
-- read and opened some 2,000 encodings of a 20,000-child registry (issue
-- 10, performance). The log keeps the last 1,000 generations of a block
-- (blockLogKept in the Go code). Nothing here is personal: internal ids,
-- counts of changes by country, birth year and sex, which the children
-- table holds in clear already.
-- Shipped: never edit this file; add a new migration instead (README.md).

CREATE TABLE child_blocks (
	country    TEXT NOT NULL,
	birth_year INTEGER NOT NULL,
	sex        TEXT NOT NULL,
	gen        {{.BigInt}} NOT NULL,
	PRIMARY KEY (country, birth_year, sex)
);
INSERT INTO child_blocks (country, birth_year, sex, gen)
	SELECT DISTINCT country, birth_year, sex, 1 FROM children;

CREATE TABLE child_block_log (
	country    TEXT NOT NULL,
	birth_year INTEGER NOT NULL,
	sex        TEXT NOT NULL,
	gen        {{.BigInt}} NOT NULL,
	child_id   {{.BigInt}} NOT NULL, -- no reference: the child may be gone
	PRIMARY KEY (country, birth_year, sex, gen, child_id)
);

{{- if .Postgres}}
CREATE FUNCTION child_block_bump(c TEXT, y INTEGER, s TEXT, child BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE g BIGINT;
BEGIN
	INSERT INTO child_blocks (country, birth_year, sex, gen) VALUES (c, y, s, 1)
		ON CONFLICT (country, birth_year, sex) DO UPDATE SET gen = child_blocks.gen + 1
		RETURNING gen INTO g;
	INSERT INTO child_block_log (country, birth_year, sex, gen, child_id) VALUES (c, y, s, g, child);
	DELETE FROM child_block_log WHERE country = c AND birth_year = y AND sex = s AND gen <= g - 1000;
END
$$;
CREATE FUNCTION children_block_gen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM child_block_bump(OLD.country, OLD.birth_year, OLD.sex, OLD.id);
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.country, NEW.birth_year, NEW.sex) IS DISTINCT FROM (OLD.country, OLD.birth_year, OLD.sex)) THEN
		PERFORM child_block_bump(NEW.country, NEW.birth_year, NEW.sex, NEW.id);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER children_block_gen AFTER INSERT OR DELETE OR UPDATE OF country, birth_year, sex, linkage ON children
	FOR EACH ROW EXECUTE FUNCTION children_block_gen();
{{- end}}
{{- if .SQLite}}
CREATE TRIGGER children_block_gen_insert AFTER INSERT ON children
BEGIN{{template "bump" "NEW"}}
END;
CREATE TRIGGER children_block_gen_old AFTER UPDATE OF country, birth_year, sex, linkage ON children
BEGIN{{template "bump" "OLD"}}
END;
CREATE TRIGGER children_block_gen_new AFTER UPDATE OF country, birth_year, sex ON children
	WHEN NEW.country IS NOT OLD.country OR NEW.birth_year IS NOT OLD.birth_year OR NEW.sex IS NOT OLD.sex
BEGIN{{template "bump" "NEW"}}
END;
CREATE TRIGGER children_block_gen_delete AFTER DELETE ON children
BEGIN{{template "bump" "OLD"}}
END;
{{- end}}

{{/* SQLite: the statements of a change to the block of the row named OLD or NEW. */}}
{{- define "bump"}}
	INSERT INTO child_blocks (country, birth_year, sex, gen) VALUES ({{.}}.country, {{.}}.birth_year, {{.}}.sex, 1)
		ON CONFLICT (country, birth_year, sex) DO UPDATE SET gen = gen + 1;
	INSERT INTO child_block_log (country, birth_year, sex, gen, child_id)
		SELECT country, birth_year, sex, gen, {{.}}.id FROM child_blocks
		WHERE country = {{.}}.country AND birth_year = {{.}}.birth_year AND sex = {{.}}.sex;
	DELETE FROM child_block_log WHERE country = {{.}}.country AND birth_year = {{.}}.birth_year AND sex = {{.}}.sex
		AND gen <= (SELECT gen FROM child_blocks WHERE country = {{.}}.country AND birth_year = {{.}}.birth_year AND sex = {{.}}.sex) - 1000;
{{- end}}
