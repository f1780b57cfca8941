-- The duplicate check of a registration reads the linkage encoding of
-- every child of the country born within a year of it with the same sex
-- (cases.Duplicates): about a sixth of a country's children. Through the
-- index of 0003 each of them was a lookup of its row by id, and the
-- lookups were a fifth of the node's CPU under a mixed load (issue 10,
-- performance). This index holds the encodings themselves, ordered by
-- the block, so the block is read as one range of index pages. It
-- replaces children_birth, whose columns it begins with.
-- The encodings are sealed at rest (issue 10 M3); the index holds them
-- as stored, sealed, and nothing the table does not hold already.
-- Shipped: never edit this file; add a new migration instead (README.md).

{{- if .SQLite}}
CREATE INDEX children_block ON children (country, birth_year, sex, id, ref, linkage);
{{- end}}
{{- if .Postgres}}
CREATE INDEX children_block ON children (country, birth_year, sex, id) INCLUDE (ref, linkage);
{{- end}}
DROP INDEX children_birth;
