CREATE TABLE IF NOT EXISTS listings (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  listing_type ENUM('rent', 'sale') NOT NULL,
  price BIGINT UNSIGNED NOT NULL,
  created_at BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch',
  updated_at BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch',
  version INT UNSIGNED NOT NULL DEFAULT 1,
  KEY listings_newest_first (created_at, id),
  KEY listings_by_user_newest_first (user_id, created_at, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
