import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { FromSchema } from 'json-schema-to-ts';
import { NotFoundError, ValidationError } from '../../shared/domain/errors/index.js';
import type {
  DeadLettersService,
  DeadLetterWithJob,
  RedriveResult,
} from '../../shared/domain/dead-letters/dead-letters.service.js';
import type {
  DeadLetterFilter,
  StoredDeadLetter,
} from '../../shared/domain/repositories/dead-letter.repository.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';

export const DEAD_LETTERS_PATH = '/dead-letters';

/** Letters a dry run or a re-drive shows (the counts cover every match). */
const SAMPLE = 100;

/** `queue` is one of the process's queues (the service's): the schemas are made per router. */
const filterProperties = {
  resource: { type: 'string', minLength: 1, maxLength: 32 },
  queue: { type: 'string', minLength: 1, maxLength: 100 },
  key: { type: 'string', minLength: 1, maxLength: 100 },
  error: { type: 'string', minLength: 1, maxLength: 500 },
  state: { type: 'string', enum: ['open', 'redriven', 'stored', 'all'] },
} as const;

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...filterProperties,
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

const redriveQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...filterProperties,
    /** Nothing happens unless `dry_run=false`: the answer says what would be re-driven. */
    dry_run: { type: 'boolean', default: true },
    /** A re-drive without a filter must say so. */
    all: { type: 'boolean', default: false },
  },
} as const;

const oneQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { dry_run: { type: 'boolean', default: true } },
} as const;

const idSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
} as const;

type ListQuery = FromSchema<typeof listQuerySchema>;
type RedriveQuery = FromSchema<typeof redriveQuerySchema>;

/** A query schema whose `queue` is one of `queues`. */
function ofQueues<S extends { readonly properties: object }>(
  schema: S,
  queues: readonly string[],
): object {
  return {
    ...schema,
    properties: { ...schema.properties, queue: { type: 'string', enum: [...queues] } },
  };
}

const validOne = compileValidator<FromSchema<typeof oneQuerySchema>>(oneQuerySchema, 'parameter');
const validId = compileValidator<FromSchema<typeof idSchema>>(idSchema, 'parameter');

function filterOf(
  query: ListQuery | RedriveQuery,
  defaultState: DeadLetterFilter['state'],
): DeadLetterFilter {
  const { resource, queue, key, error } = query;
  return { resource, queue, key, error, state: query.state ?? defaultState };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A letter as the ops port answers it (snake_case, times as ISO 8601). */
export function letterAnswer(
  letter: StoredDeadLetter | DeadLetterWithJob,
  options: { payload?: boolean } = {},
): Record<string, unknown> {
  return {
    id: letter.id,
    state: letter.storedAt !== null ? 'stored' : letter.redrivenAt !== null ? 'redriven' : 'open',
    queue: letter.queue,
    job_id: letter.jobId,
    job_name: letter.jobName,
    resource: letter.resource,
    key: letter.key,
    version: letter.version,
    error: letter.error,
    attempts: letter.attempts,
    failures: letter.failures,
    failed_at: iso(letter.failedAt),
    redriven_at: iso(letter.redrivenAt),
    redrives: letter.redrives,
    stored_at: iso(letter.storedAt),
    ...('jobState' in letter && { job_state: letter.jobState }),
    ...(options.payload && { payload: letter.payload }),
  };
}

function redriveAnswer(result: RedriveResult): Record<string, unknown> {
  return {
    result: true,
    dry_run: result.dryRun,
    matched: result.matched,
    redriven: result.redriven,
    requeued: result.requeued,
    already_queued: result.alreadyQueued,
    skipped: result.skipped,
    skipped_queues: result.skippedQueues,
    dead_letters: result.letters.map((letter) => letterAnswer(letter)),
  };
}

/**
 * The dead-letter store on the ops port, behind its basic auth (§9):
 * - `GET /dead-letters?resource=&key=&error=&queue=&state=&limit=&after=`:
 *   search (every state unless `state` is given), oldest first, paged by `after`;
 * - `GET /dead-letters/:id`: one letter with its payload and its job's state;
 * - `POST /dead-letters/redrive?<the same filter>`: a dry run of re-driving
 *   every open match (`state=all` includes re-driven ones); `dry_run=false`
 *   re-drives them. A filter, or `all=true`, is required;
 * - `POST /dead-letters/:id/redrive[?dry_run=false]`: the same for one letter.
 * `queue` is one of the queues the service's process has; a letter of a queue
 * it does not have is not re-driven: it stays open, counted in `skipped`.
 */
export function deadLettersRoutes(service: DeadLettersService, auth: Middleware): Router {
  const validList = compileValidator<ListQuery>(
    ofQueues(listQuerySchema, service.queues),
    'parameter',
  );
  const validRedrive = compileValidator<RedriveQuery>(
    ofQueues(redriveQuerySchema, service.queues),
    'parameter',
  );
  const router = new Router();
  router.get(DEAD_LETTERS_PATH, auth, async (ctx) => {
    const query = validList({ ...ctx.query });
    const page = await service.search(filterOf(query, 'all'), {
      limit: query.limit,
      afterId: query.after,
    });
    ctx.body = {
      result: true,
      total: page.total,
      next_after: page.nextAfter,
      dead_letters: page.letters.map((letter) => letterAnswer(letter)),
    };
  });
  router.post(`${DEAD_LETTERS_PATH}/redrive`, auth, async (ctx) => {
    const query = validRedrive({ ...ctx.query });
    const filter = filterOf(query, 'open');
    const { resource, queue, key, error } = filter;
    if (!query.all && [resource, queue, key, error].every((v) => v === undefined)) {
      throw new ValidationError([
        'name what to re-drive (resource, queue, key or error), or all=true for every dead letter',
      ]);
    }
    ctx.body = redriveAnswer(
      await service.redrive(filter, { dryRun: query.dry_run, sample: SAMPLE }),
    );
  });
  router.get(`${DEAD_LETTERS_PATH}/:id`, auth, async (ctx) => {
    const { id } = validId({ ...ctx.params });
    const letter = await service.get(id);
    if (!letter) throw new NotFoundError(`no dead letter ${id}`);
    ctx.body = { result: true, dead_letter: letterAnswer(letter, { payload: true }) };
  });
  router.post(`${DEAD_LETTERS_PATH}/:id/redrive`, auth, async (ctx) => {
    const { id } = validId({ ...ctx.params });
    const { dry_run } = validOne({ ...ctx.query });
    const result = await service.redrive({ id, state: 'all' }, { dryRun: dry_run, sample: 1 });
    if (result.matched === 0) throw new NotFoundError(`no dead letter ${id}`);
    ctx.body = redriveAnswer(result);
  });
  return router;
}
