/**
 * Where a person without an age sorts in `/people/age`: after every age
 * (0..150). The `people.age_order` column (migration 007) is
 * `COALESCE(age, 1000)`; the cursor of that list carries the same value.
 */
export const NO_AGE_ORDER = 1000;
