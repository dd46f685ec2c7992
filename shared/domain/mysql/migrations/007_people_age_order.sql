-- GET /people/age sorts youngest first with people without an age last. Sorted as
-- `age IS NULL, age, id`, an expression no index serves, every uncached page sorted the
-- whole table (issue 31). The same order as a stored column, indexed with id, is read
-- from the index, and its keyset cursor (`after`) starts there at any depth.
-- 1000 is past every age (0..150): shared/people/age-order.ts.
ALTER TABLE people
  ADD COLUMN age_order SMALLINT UNSIGNED AS (COALESCE(age, 1000)) STORED,
  ADD KEY people_by_age_order (age_order, id);
