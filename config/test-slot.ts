/**
 * Which isolated set of test stores this test run uses (SPILLWAY_TEST_SLOT,
 * 0..5; default 0), so several checkouts can run their suites at once on one
 * machine without emptying each other's databases.
 */
export function testSlot(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.SPILLWAY_TEST_SLOT ?? '0';
  const slot = Number(raw);
  if (!Number.isInteger(slot) || slot < 0 || slot > 5) {
    throw new Error(`SPILLWAY_TEST_SLOT: expected 0..5, got "${raw}"`);
  }
  return slot;
}

/**
 * Which Redis a test run uses (SPILLWAY_TEST_REDIS): `single` (default), the
 * loopback servers 6379 and 6380; or `cluster`, the local queue and cache
 * Redis Clusters (§8) that scripts/redis-cluster.sh starts.
 */
export function testRedisMode(
  env: Readonly<Record<string, string | undefined>> = process.env,
): 'single' | 'cluster' {
  const raw = env.SPILLWAY_TEST_REDIS ?? 'single';
  if (raw !== 'single' && raw !== 'cluster') {
    throw new Error(`SPILLWAY_TEST_REDIS: expected single or cluster, got "${raw}"`);
  }
  return raw;
}
