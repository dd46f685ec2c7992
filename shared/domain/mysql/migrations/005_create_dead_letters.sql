-- Dead letters (spec §9, issue 26): a write whose job failed for good, kept
-- durably before BullMQ can trim its job from the failed set
-- (QUEUE_KEEP_FAILED). One row per job, or per change event of a replicate
-- batch. `payload` is the job's data as queued, re-enqueued as is by a
-- re-drive under `job_id` (deterministic, so a second re-drive is the same
-- job). `failures` counts how often the job failed for good (a re-driven job
-- can fail again: the row is opened again); a re-drive marks only the failure
-- it saw. Times are milliseconds since the epoch, as BullMQ keeps them.
CREATE TABLE IF NOT EXISTS dead_letters (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  queue VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  job_id VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  job_name VARCHAR(191) NOT NULL,
  resource VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resource_key VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  version INT UNSIGNED NULL,
  payload LONGTEXT NOT NULL COMMENT 'the job data, JSON',
  error TEXT NOT NULL,
  attempts INT UNSIGNED NOT NULL,
  failures INT UNSIGNED NOT NULL DEFAULT 1,
  failed_at BIGINT UNSIGNED NOT NULL COMMENT 'milliseconds since the epoch',
  redriven_at BIGINT UNSIGNED NULL,
  redrives INT UNSIGNED NOT NULL DEFAULT 0,
  stored_at BIGINT UNSIGNED NULL COMMENT 'a later run of the job completed',
  UNIQUE KEY dead_letters_job (queue, job_id),
  KEY dead_letters_key (resource, resource_key, version),
  KEY dead_letters_open (redriven_at, stored_at, resource)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
