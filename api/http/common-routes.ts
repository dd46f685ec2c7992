import { oneResponses, pageResponses } from '../../shared/infra/openapi/envelopes.js';
import { pageQuerySchema, type PageQuery } from '../../shared/domain/schemas/query.schema.js';
import type { CursorKey } from '../../shared/domain/pagination/cursor.js';
import type { CachedRead } from '../write-results.js';
import { itemsOf, linkNextPage } from './next-page.js';
import { descriptorRoute, route, type Route, type Schema } from './route-table.js';
import { answerCachedRead } from './write-response.js';

/** A legacy contract's liveness route: `GET <path>` answers `answer` as text. */
export function pingRoute(path: string, answer: string): Route {
  return route({
    method: 'get',
    path,
    summary: 'Liveness of the legacy contract',
    responses: {
      200: { description: answer, schema: { type: 'string' }, contentType: 'text/plain' },
    },
    handler(ctx) {
      ctx.type = 'text/plain';
      ctx.body = answer;
    },
  });
}

/**
 * `GET <path>?page_num&page_size` or `?after=<cursor>&page_size`: a cached
 * page, answered as `{ result: true, <field>: [item…] }`, a full one with a
 * `Link` rel="next" whose cursor is `cursorOf` its last item (the key the
 * list is sorted by, which its repository pages on from).
 */
export function pageRoute<I>(page: {
  readonly path: string;
  readonly summary: string;
  readonly field: string;
  readonly item: object;
  readonly list: (page: PageQuery) => Promise<CachedRead<readonly I[]>>;
  readonly cursorOf: (item: I) => CursorKey;
}): Route {
  return route({
    method: 'get',
    path: page.path,
    summary: page.summary,
    query: pageQuerySchema,
    responses: pageResponses(page.field, page.item),
    async handler(ctx, { query }) {
      const read = await page.list(query);
      linkNextPage(ctx, query, itemsOf(read.value), page.cursorOf);
      answerCachedRead(ctx, page.field, read);
    },
  });
}

/**
 * `GET <path>` of one resource by a text key (a uuid, an ObjectId): a cached
 * read, answered as `{ result: true, <field>: resource }`. `params` is the
 * schema of that one path parameter, a string pattern.
 */
export function readOneRoute(one: {
  readonly path: string;
  readonly summary: string;
  readonly params: Schema;
  readonly key: string;
  readonly field: string;
  readonly resource: object;
  readonly notFound: { description: string; schema?: object };
  readonly read: (key: string) => Promise<CachedRead<unknown>>;
}): Route {
  return descriptorRoute<{ params: Readonly<Record<string, string>> }>({
    method: 'get',
    path: one.path,
    summary: one.summary,
    params: one.params,
    responses: oneResponses(one.field, one.resource, one.notFound),
    handler: async (ctx, { params }) =>
      answerCachedRead(ctx, one.field, await one.read(params[one.key] ?? '')),
  });
}
