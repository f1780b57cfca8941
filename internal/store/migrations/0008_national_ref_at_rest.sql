-- The national reference at rest (issue 10 M3): national_ref keeps only a
-- keyed hash, which the lookups by reference and the uniqueness per country
-- need; the reference itself is sealed in national_ref_sealed, bound to the
-- child. Rows written before keep the reference in clear in national_ref
-- (and NULL here) until 'childcentre keys rotate-index' rewrites them.
-- Shipped: never edit this file; add a new migration instead (README.md).
ALTER TABLE children ADD COLUMN national_ref_sealed {{.Blob}};
