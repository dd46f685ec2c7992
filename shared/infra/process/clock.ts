let lastMicros = 0;

/**
 * Microseconds since the epoch, strictly increasing within this process so two
 * writes made in the same millisecond still order by time.
 */
export function nowMicros(): number {
  const wall = Date.now() * 1000;
  lastMicros = wall > lastMicros ? wall : lastMicros + 1;
  return lastMicros;
}
