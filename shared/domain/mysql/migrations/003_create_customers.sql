-- Customers (spec §2.4). `income` is DECIMAL(20,2): exact, never a float.
-- `username_key` is the lower-cased username that uniqueness is judged on; a
-- soft delete sets it to NULL (UNIQUE allows many NULLs), which frees the name.
CREATE TABLE IF NOT EXISTS customers (
  uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  username_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  address VARCHAR(500) NOT NULL,
  income DECIMAL(20, 2) NOT NULL,
  name VARCHAR(200) NULL,
  email VARCHAR(254) NULL,
  phone VARCHAR(32) NULL,
  created_at BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch',
  updated_at BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch',
  deleted TINYINT(1) NOT NULL DEFAULT 0,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  CONSTRAINT customers_income_not_negative CHECK (income >= 0),
  UNIQUE KEY customers_username (username_key),
  KEY customers_newest_first (deleted, created_at, uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The change log and outbox: one row per committed change, written in the same
-- transaction as the change. `op_id` (the write's job id) makes a retried job
-- a no-op; `published_at` stays NULL until the event reached the queues.
CREATE TABLE IF NOT EXISTS customer_events (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  op_id VARCHAR(150) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  customer_uuid CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  type ENUM('insert', 'update', 'delete') NOT NULL,
  version INT UNSIGNED NOT NULL,
  before_row JSON NULL,
  after_row JSON NULL,
  at BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch',
  request_id VARCHAR(128) NOT NULL,
  published_at BIGINT UNSIGNED NULL,
  UNIQUE KEY customer_events_id (id),
  UNIQUE KEY customer_events_op (op_id),
  UNIQUE KEY customer_events_key_version (customer_uuid, version),
  KEY customer_events_unpublished (published_at, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
