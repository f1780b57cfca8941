-- The explanation of a "possible" hit of a segmented schema (issue 9's
-- review screen): per feature its agreement level and weight, the total
-- and the probability, as JSON (exchange.Explanation); '' for every other
-- hit. On the hub with the hit and in the notices that carry it, on a
-- node with the hit it received. Coded data from the encodings, never a
-- value of either record (docs/security.md, "What a hit discloses").
-- Shipped: never edit this file; add a new migration instead (README.md).
ALTER TABLE hub_hits ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_inbox ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
ALTER TABLE exchange_hits ADD COLUMN explanation TEXT NOT NULL DEFAULT '';
