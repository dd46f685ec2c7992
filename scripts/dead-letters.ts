import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config/index.js';
import {
  DeadLettersService,
  type RedriveResult,
} from '../shared/domain/dead-letters/dead-letters.service.js';
import { closeRedis, readyClient, redisClient } from '../shared/infra/redis/redis-client.js';
import { within } from '../shared/infra/process/within.js';
import {
  DeadLetterRepository,
  type DeadLetterFilter,
  type StoredDeadLetter,
} from '../shared/domain/repositories/dead-letter.repository.js';
import { createMysqlPool } from '../shared/infra/databases/mysql-pool.js';

const USAGE = `usage: npm run dead-letters -- list [FILTER] [--limit N]
       npm run dead-letters -- show ID
       npm run dead-letters -- redrive ID [--yes]
       npm run dead-letters -- redrive FILTER|--all [--yes]
FILTER: --resource R --queue Q --key K --error TEXT --state open|redriven|stored|all
list shows every state unless --state is given; redrive takes open letters unless it is.
redrive is a dry run (what would be re-driven) unless --yes is given.
`;

const STATES: readonly DeadLetterFilter['state'][] = ['open', 'redriven', 'stored', 'all'];

/** A usage error: printed with the usage, exit 2. */
class UsageError extends Error {}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        resource: { type: 'string' },
        queue: { type: 'string' },
        key: { type: 'string' },
        error: { type: 'string' },
        state: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();

function positiveInt(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new UsageError(`${what} must be a positive integer`);
  return Number(text);
}

/** The filter the options name; `--queue` is one of `queues`, the service's. */
function filterOf(
  defaultState: DeadLetterFilter['state'],
  queues: readonly string[],
): DeadLetterFilter {
  const state = (values.state ?? defaultState) as DeadLetterFilter['state'];
  if (!STATES.includes(state)) throw new UsageError(`--state must be one of ${STATES.join(', ')}`);
  if (values.queue !== undefined && !queues.includes(values.queue))
    throw new UsageError(`--queue must be one of ${queues.join(', ')}`);
  const { resource, queue, key, error } = values;
  return { resource, queue, key, error, state };
}

function stateOf(letter: StoredDeadLetter): string {
  if (letter.storedAt !== null) return 'stored';
  return letter.redrivenAt !== null ? 'redriven' : 'open';
}

/** One letter per line: what an operator scans for (key, version, why, when). */
function line(letter: StoredDeadLetter & { jobState?: string }): string {
  return [
    `#${letter.id}`,
    stateOf(letter),
    letter.queue,
    letter.resource,
    letter.key ?? '-',
    letter.version === null ? '-' : `v${letter.version}`,
    letter.jobId,
    new Date(letter.failedAt).toISOString(),
    `attempts ${letter.attempts}`,
    ...(letter.jobState === undefined ? [] : [`job ${letter.jobState}`]),
    letter.error.replace(/\s+/g, ' ').slice(0, 200),
  ].join('\t');
}

function redriveReport(result: RedriveResult): string[] {
  const head = result.dryRun
    ? `dry run: ${result.matched - result.skipped} dead letter(s) would be re-driven; add --yes to re-drive them`
    : `re-driven ${result.redriven} of ${result.matched} dead letter(s): ${result.requeued} queued again, ${result.alreadyQueued} already in their queue`;
  const skipped =
    result.skipped === 0
      ? []
      : [
          `${result.skipped} dead letter(s) ${result.dryRun ? 'would be' : 'were'} skipped (left open): no queue ${result.skippedQueues.join(', ')} in this build`,
        ];
  return [head, ...skipped, ...result.letters.map(line)];
}

async function run(service: DeadLettersService, command: string | undefined): Promise<string[]> {
  const [, target, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  if (command === 'list') {
    if (target !== undefined) throw new UsageError(`list takes no ${target}`);
    const page = await service.search(filterOf('all', service.queues), {
      limit: positiveInt(values.limit, '--limit') ?? 100,
    });
    return [`${page.total} dead letter(s)`, ...page.letters.map(line)];
  }
  if (command === 'show') {
    const id = positiveInt(target, 'ID');
    if (id === undefined) throw new UsageError('show needs an ID');
    const letter = await service.get(id);
    if (!letter) throw new Error(`no dead letter ${id}`);
    return [line(letter), JSON.stringify(letter.payload, null, 2)];
  }
  if (command === 'redrive') {
    const id = positiveInt(target, 'ID');
    const filter: DeadLetterFilter =
      id === undefined ? filterOf('open', service.queues) : { id, state: 'all' };
    const named = [filter.resource, filter.queue, filter.key, filter.error, filter.id];
    if (!values.all && named.every((v) => v === undefined))
      throw new UsageError('redrive needs an ID, a filter, or --all');
    return redriveReport(await service.redrive(filter, { dryRun: !values.yes, sample: 100 }));
  }
  throw new UsageError(command === undefined ? 'no command' : `unknown command ${command}`);
}

/**
 * `npm run dead-letters -- list|show|redrive …`: the ops port's dead-letter
 * routes for a shell. Exit 0 on success, 1 if MySQL or the queue Redis
 * failed (or the letter does not exist), 2 for a usage error.
 */
const config = loadConfigOrExit();
const mysql = createMysqlPool({ url: config.mysql.url, poolSize: 2 });
const { redis } = config;
const queueRedis = redisClient(
  { url: redis.queueUrl, sentinel: redis.queueSentinel, cluster: redis.queueCluster },
  { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectionName: 'spillway-dead-letters' },
);
queueRedis.on('error', () => undefined);
// The queues of this build's registry: the resources the api and worker processes run.
const service = new DeadLettersService(config, new DeadLetterRepository(mysql), queueRedis);
try {
  await within(() => readyClient(queueRedis), 10_000);
  const lines = await run(service, positionals[0]);
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`dead-letters failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
} finally {
  await service.close();
  await Promise.allSettled([closeRedis(queueRedis), mysql.end()]);
}
