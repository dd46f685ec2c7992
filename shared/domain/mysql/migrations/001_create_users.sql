CREATE TABLE IF NOT EXISTS users (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  created_at BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch',
  updated_at BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch',
  version INT UNSIGNED NOT NULL DEFAULT 1,
  KEY users_newest_first (created_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
