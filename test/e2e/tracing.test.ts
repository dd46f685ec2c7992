import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../support/otlp-receiver.js';
import { freePort, runEntry, type RunningProcess, untilHealthy } from '../support/processes.js';
import { testEnv } from '../support/test-config.js';

/** The spans of one trace, once every span named by `complete` has arrived. */
async function traceOf(
  receiver: OtlpReceiver,
  traceId: string,
  complete: (spans: readonly ReceivedSpan[]) => boolean,
  what: string,
): Promise<ReceivedSpan[]> {
  return eventually(
    async () => {
      const spans = receiver.spans.filter((span) => span.traceId === traceId);
      return complete(spans) ? spans : undefined;
    },
    { timeoutMs: 15_000, what },
  );
}

const isMysql = (span: ReceivedSpan) =>
  span.attributes['db.system'] === 'mysql' || span.attributes['db.system.name'] === 'mysql';
const isMongo = (span: ReceivedSpan) =>
  span.attributes['db.system'] === 'mongodb' || span.attributes['db.system.name'] === 'mongodb';
const describeSpans = (spans: readonly ReceivedSpan[]) =>
  spans.map((s) => `${s.service}: ${s.name}`).join('\n');

describe('tracing on: OTEL_EXPORTER_OTLP_ENDPOINT set, OTLP/HTTP with JSON', function () {
  this.timeout(90_000);
  let receiver: OtlpReceiver;
  const running: RunningProcess[] = [];
  const urls = { users: '', listings: '', public: '' };
  const output = () => running.map((p) => p.output()).join('\n');

  before(async () => {
    receiver = await startOtlpReceiver();
    const ports = { users: await freePort(), listings: await freePort(), public: await freePort() };
    for (const name of ['users', 'listings', 'public'] as const)
      urls[name] = `http://127.0.0.1:${ports[name]}`;
    const env = testEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Export within a fifth of a second, not the default five.
      OTEL_BSP_SCHEDULE_DELAY: '200',
      USER_SERVICE_PORT: String(ports.users),
      LISTING_SERVICE_PORT: String(ports.listings),
      PUBLIC_API_PORT: String(ports.public),
      USERS_BASE_URL: urls.users,
      LISTINGS_BASE_URL: urls.listings,
    });
    running.push(
      runEntry('api/main.ts', ['--service', 'users'], env),
      runEntry('api/main.ts', ['--service', 'listings'], env),
      runEntry('api/main.ts', ['--service', 'public'], env),
      runEntry('workers/main.ts', [], env),
    );
    for (const base of Object.values(urls)) {
      await untilHealthy(base, { timeoutMs: 30_000, what: `${base} to listen\n${output()}` });
    }
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await receiver?.close();
  });

  it('makes one trace of a POST /listings from the API span to the MySQL and Mongo writes', async () => {
    const created = await http('POST', `${urls.listings}/listings`, {
      json: { user_id: 1, listing_type: 'rent', price: 120 },
      headers: { Prefer: 'wait=5', 'X-Request-Id': 'traced-listing-1' },
    });
    expect(created.status).to.equal(201);
    const server = await eventually(
      async () =>
        receiver.spans.find(
          (s) => s.service === 'spillway-listings' && s.kind === 2 && s.name.startsWith('POST'),
        ),
      { timeoutMs: 15_000, what: `the API's server span\n${describeSpans(receiver.spans)}` },
    );
    const spans = await traceOf(
      receiver,
      server.traceId,
      (spans) =>
        spans.some(isMysql) &&
        spans.some(isMongo) &&
        spans.some((s) => s.name === 'cache invalidate'),
      'the worker spans of the POST /listings trace',
    );
    const names = describeSpans(spans);
    expect(new Set(spans.map((s) => s.service)), names).to.deep.equal(
      new Set(['spillway-listings', 'spillway-workers']),
    );
    // The request, its enqueue, the job's processing, the batch statement, the cache, replication.
    expect(names).to.include('spillway-listings: enqueue persist-listings');
    expect(names).to.match(/spillway-workers: process persist-listings/);
    expect(names).to.include('spillway-workers: commit listings');
    expect(names).to.include('spillway-workers: cache invalidate');
    expect(names).to.match(/spillway-workers: process replicate/);
    expect(names).to.include('spillway-workers: replicate listings');
    const commit = spans.find((s) => s.name === 'commit listings')!;
    const process = spans.find((s) => s.name.startsWith('process persist-listings'))!;
    // One span per batch, linked to every job it carried (here: one).
    expect(commit.links).to.deep.include({ traceId: process.traceId, spanId: process.spanId });
    expect(spans.filter(isMysql).every((s) => s.service === 'spillway-workers')).to.equal(true);
    // Every span but the request's own has its parent in the trace: nothing is detached.
    const ids = new Set(spans.map((s) => s.spanId));
    const orphans = spans.filter((s) => s !== server && !ids.has(s.parentSpanId));
    expect(describeSpans(orphans), names).to.equal('');
  });

  it('puts trace_id and span_id on the log lines of a traced write, next to the request id', async () => {
    const created = await http('POST', `${urls.listings}/listings`, {
      json: { user_id: 1, listing_type: 'sale', price: 7 },
      headers: { Prefer: 'wait=5', 'X-Request-Id': 'traced-listing-2' },
    });
    expect(created.status).to.equal(201);
    const lines = () =>
      output()
        .split('\n')
        .filter((line) => line.includes('"requestId":"traced-listing-2"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const logged = await eventually(
      async () => {
        const all = lines();
        return all.some((l) => l.msg === 'request') && all.some((l) => l.msg === 'write persisted')
          ? all
          : undefined;
      },
      { what: 'the access log line and the persist line' },
    );
    const access = logged.find((l) => l.msg === 'request')!;
    const persisted = logged.find((l) => l.msg === 'write persisted')!;
    expect(access.trace_id).to.match(/^[0-9a-f]{32}$/);
    expect(access.span_id).to.match(/^[0-9a-f]{16}$/);
    // The worker's line is in the same trace as the request that accepted the write.
    expect(persisted.trace_id).to.equal(access.trace_id);
  });

  it('makes one trace of a public-API write across the public API, the user check, the listing service and the workers', async () => {
    const user = await http('POST', `${urls.users}/users`, {
      json: { name: 'Traced' },
      headers: { Prefer: 'wait=5' },
    });
    expect(user.status).to.equal(201);
    const listing = await http('POST', `${urls.public}/public-api/listings`, {
      json: { user_id: user.body.user.id, listing_type: 'sale', price: 300 },
      headers: { Prefer: 'wait=5' },
    });
    expect(listing.status).to.equal(201);
    const server = await eventually(
      async () =>
        receiver.spans.find(
          (s) =>
            s.service === 'spillway-public' &&
            s.kind === 2 &&
            s.name.startsWith('POST') &&
            s.attributes['http.route'] === '/public-api/listings',
        ),
      { timeoutMs: 15_000, what: `the public API's server span\n${describeSpans(receiver.spans)}` },
    );
    const spans = await traceOf(
      receiver,
      server.traceId,
      (spans) =>
        spans.some((s) => s.service === 'spillway-listings' && s.kind === 2) &&
        spans.some((s) => s.service === 'spillway-workers' && isMysql(s)),
      'the listing service and worker spans of the public-API write',
    );
    const services = new Set(spans.map((s) => s.service));
    expect([...services].sort(), describeSpans(spans)).to.include.members([
      'spillway-listings',
      'spillway-public',
      'spillway-users',
      'spillway-workers',
    ]);
    // The public API's client span is the parent of the listing service's server span.
    const listingServer = spans.find((s) => s.service === 'spillway-listings' && s.kind === 2)!;
    const client = spans.find((s) => s.spanId === listingServer.parentSpanId);
    expect(client?.service).to.equal('spillway-public');
    expect(client?.kind).to.equal(3);
  });

  it('leaves out the jobs of a request its caller did not sample (traceparent flags 00)', async () => {
    const post = (price: number, headers: Record<string, string>) =>
      http('POST', `${urls.listings}/listings`, {
        json: { user_id: 1, listing_type: 'rent', price },
        headers: { Prefer: 'wait=5', ...headers },
      });
    const unsampled = await post(11, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
    });
    expect(unsampled.status).to.equal(201);
    const sampled = await post(12, {});
    expect(sampled.status).to.equal(201);
    // The sampled write's job spans arrive after the unsampled one's would have.
    const processedJobs = () =>
      receiver.spans
        .filter((s) => s.name.startsWith('process persist-listings'))
        .map((s) => s.attributes['bullmq.job.id']);
    await eventually(async () => processedJobs().includes(sampled.body.job_id) || undefined, {
      what: 'the sampled write to be traced in the worker',
    });
    expect(processedJobs()).to.not.include(unsampled.body.job_id);
    expect(receiver.spans.some((s) => s.traceId === '0af7651916cd43dd8448eb211c80319c')).to.equal(
      false,
    );
  });

  it('keeps what a user wrote out of the spans, and the Redis commands of a bulk add out of the trace', async () => {
    const name = `Traced Person ${randomUUID()}`;
    const traceId = randomBytes(16).toString('hex');
    const created = await http('POST', `${urls.users}/users`, {
      json: { name },
      headers: { Prefer: 'wait=5', traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(created.status).to.equal(201);
    // Each process exports on its own schedule: the API's add can reach the receiver after
    // the workers' commit, so the trace is complete only once both have arrived.
    const spans = await traceOf(
      receiver,
      traceId,
      (spans) =>
        spans.some(isMysql) &&
        spans.some(isMongo) &&
        spans.some((s) => s.name === 'commit users') &&
        spans.some((s) => s.name.startsWith('addBulk')),
      "the API's add and the MySQL and Mongo spans of the user write",
    );
    // Statements name the command, or keep their placeholders: no value of the write.
    expect(JSON.stringify(receiver.spans)).to.not.include(name);
    expect(spans.filter(isMysql).map((s) => JSON.stringify(s.attributes))).to.satisfy(
      (statements: string[]) => statements.some((text) => text.includes('?')),
    );
    // The add of the batch is one span, not one more per job under it.
    const adds = spans.filter((s) => s.name.startsWith('addBulk'));
    expect(describeSpans(adds), describeSpans(spans)).to.not.equal('');
    const addIds = new Set(adds.map((s) => s.spanId));
    const underAdds = spans.filter((s) => addIds.has(s.parentSpanId));
    expect(describeSpans(underAdds)).to.equal('');
  });

  it('exports traces only: metrics stay on /metrics and logs on stdout', () => {
    expect(new Set(receiver.requests.map((r) => r.path))).to.deep.equal(new Set(['/v1/traces']));
  });
});

/** Starts a listing service and the workers with `env`, and waits until the service listens. */
async function startListingPipeline(env: Record<string, string>): Promise<{
  readonly base: string;
  readonly processes: readonly RunningProcess[];
}> {
  const port = await freePort();
  const processes = [
    runEntry(
      'api/main.ts',
      ['--service', 'listings'],
      testEnv({ ...env, LISTING_SERVICE_PORT: String(port) }),
    ),
    runEntry('workers/main.ts', [], testEnv(env)),
  ];
  const base = `http://127.0.0.1:${port}`;
  await untilHealthy(base, {
    timeoutMs: 30_000,
    what: `the listing service to listen\n${processes[0]!.output()}`,
  });
  return { base, processes };
}

/** POSTs one listing with `Prefer: wait=5` and expects it persisted (201). */
async function persistListing(base: string, headers: Record<string, string> = {}): Promise<void> {
  const created = await http('POST', `${base}/listings`, {
    json: { user_id: 1, listing_type: 'rent', price: 5 },
    headers: { Prefer: 'wait=5', ...headers },
  });
  expect(created.status).to.equal(201);
}

describe('tracing off', function () {
  this.timeout(90_000);

  /**
   * Writes one listing and waits for it to be persisted, then stops both
   * processes gracefully: a running SDK would send what it buffered on the way out.
   */
  async function writeAndStop(env: Record<string, string>): Promise<RunningProcess[]> {
    const { base, processes } = await startListingPipeline(env);
    try {
      await persistListing(base, { 'X-Request-Id': 'untraced-listing' });
    } finally {
      for (const p of processes) expect((await p.stop('SIGTERM')).code, p.output()).to.equal(0);
    }
    return [...processes];
  }

  it('sends nothing to the default OTLP endpoint when no OTEL_* variable is set, and logs no trace ids', async () => {
    // The specification's default endpoint: what an SDK started by mistake would call.
    const receiver = await startOtlpReceiver(4318);
    try {
      const processes = await writeAndStop({});
      expect(receiver.requests).to.deep.equal([]);
      const lines = processes.flatMap((p) => p.output().split('\n'));
      expect(lines.filter((l) => l.includes('"requestId":"untraced-listing"'))).to.not.deep.equal(
        [],
      );
      expect(lines.filter((l) => l.includes('trace_id'))).to.deep.equal([]);
    } finally {
      await receiver.close();
    }
  });

  it('sends nothing when OTEL_SDK_DISABLED=true, even with an endpoint set', async () => {
    const receiver = await startOtlpReceiver();
    try {
      await writeAndStop({
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_SDK_DISABLED: 'true',
      });
      expect(receiver.requests).to.deep.equal([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('tracing on with OTLP/HTTP protobuf (the default protocol)', function () {
  this.timeout(90_000);

  it('exports the spans of a write as application/x-protobuf to /v1/traces', async () => {
    const receiver = await startOtlpReceiver();
    const { base, processes } = await startListingPipeline({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    try {
      await persistListing(base);
      // Protobuf carries strings as their UTF-8 bytes: the service and span names are readable.
      const exported = await eventually(
        async () => {
          const bodies = receiver.requests.filter((r) => r.path === '/v1/traces');
          const text = bodies.map((r) => r.body.toString('latin1')).join('');
          return text.includes('POST /listings') && text.includes('spillway-workers')
            ? bodies
            : undefined;
        },
        { timeoutMs: 15_000, what: 'a protobuf export with the request and worker spans' },
      );
      expect(new Set(exported.map((r) => r.type))).to.deep.equal(
        new Set(['application/x-protobuf']),
      );
    } finally {
      await Promise.all(processes.map((p) => p.stop('SIGKILL')));
      await receiver.close();
    }
  });
});

describe('tracing on, with a collector that accepts connections and never answers', function () {
  this.timeout(90_000);

  it('still shuts down in time on SIGTERM (exit 0), giving up the spans it could not send', async () => {
    const sockets = new Set<Socket>();
    const collector = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const { base, processes } = await startListingPipeline({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      // Spans stay buffered until shutdown, which has to send them.
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      // Below the exporter's own 10 s timeout: a flush that waits for it misses the deadline.
      SHUTDOWN_TIMEOUT_MS: '6000',
    });
    try {
      await persistListing(base);
      for (const p of processes) {
        const stopped = await p.stop('SIGTERM');
        expect(stopped.code, p.output().slice(-3000)).to.equal(0);
        expect(p.output()).to.match(/"step":"send buffered traces".*"msg":"shutdown step failed"/);
      }
    } finally {
      await Promise.all(processes.map((p) => p.stop('SIGKILL')));
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
