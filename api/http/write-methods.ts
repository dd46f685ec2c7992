/** Methods that change something: the ones idempotency, backpressure and write limits apply to. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
