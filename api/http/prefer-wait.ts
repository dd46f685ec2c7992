/**
 * Reads RFC 7240 `Prefer: wait=N` (seconds), capped at `maxSeconds`.
 * Returns 0 when the client did not ask to wait.
 */
export function preferredWaitSeconds(header: string | undefined, maxSeconds: number): number {
  if (!header) return 0;
  for (const preference of header.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d+)"?\s*(;.*)?$/i.exec(preference);
    if (match?.[1]) return Math.min(Number(match[1]), maxSeconds);
  }
  return 0;
}
