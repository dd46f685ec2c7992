CREATE TABLE IF NOT EXISTS people (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  first VARCHAR(100) NULL,
  last VARCHAR(100) NULL,
  age TINYINT UNSIGNED NULL,
  github_acct VARCHAR(39) NULL,
  third_grade_graduation DATE NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  KEY people_by_last_name (last, id),
  KEY people_by_age (age, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
