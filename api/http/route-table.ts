import Router, { type RouterContext, type RouterMiddleware } from '@koa/router';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { OperationDoc } from '../../shared/infra/openapi/openapi-document.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import { rememberValid } from '../../shared/infra/validation/remember-valid.js';
import type { RequestState } from './request-id.js';
import { bodySource } from './write-response.js';
import { checkPageOffset } from '../../shared/domain/pagination/cursor.js';

export type Schema = JSONSchema & object;

declare module 'koa' {
  interface DefaultContext {
    /** MAX_PAGE_OFFSET of the service (set on `app.context` by createServiceApp): a page asked by number past it is a 400. */
    maxPageOffset?: number | undefined;
  }
}

/** The longest raw path or query string whose validated form is remembered. */
const MAX_REMEMBERED_KEY = 256;

/** What a part of the request is once its schema accepted it; `undefined` when the route has no schema for it. */
export type Validated<S> = [S] extends [Schema] ? FromSchema<S> : undefined;

export type RouteContext = RouterContext<RequestState>;

export interface RouteInput<P, Q, B> {
  readonly params: Validated<P>;
  readonly query: Validated<Q>;
  readonly body: Validated<B>;
}

/**
 * How a route reads its body, if not through the shared body parser and the
 * route's `body` schema: `raw` streams it itself (a CSV upload), `bulk` is bulk
 * intake (§7), streamed and counted by items. Either is documented with `doc`.
 */
export interface StreamedBody {
  readonly kind: 'raw' | 'bulk';
  readonly doc: object;
}

/** What a route declares besides its handler. */
interface RouteShape<P, Q, B> {
  readonly method: OperationDoc['method'];
  /** Koa-style path, e.g. `/users/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly streamedBody?: StreamedBody;
  /** Documented body media types; JSON and form data unless given. */
  readonly bodyTypes?: OperationDoc['bodyTypes'];
  readonly headers?: OperationDoc['headers'];
  readonly responses: OperationDoc['responses'];
  /** Runs on the parsed body before its schema does (e.g. blank form fields → absent). */
  readonly prepareBody?: (body: unknown) => unknown;
  /** A body sent without `Content-Type` is read as JSON (a legacy client that sends none). */
  readonly jsonWithoutContentType?: boolean;
}

/** One route, declared once: the router, its validation and its OpenAPI operation are made from it. */
export interface RouteDeclaration<P, Q, B> extends RouteShape<P, Q, B> {
  // NoInfer: the schemas alone decide the types; inferring back through FromSchema is too deep for tsc.
  readonly handler: (ctx: RouteContext, input: NoInfer<RouteInput<P, Q, B>>) => unknown;
}

/** A declared route, ready to be mounted and documented. */
export interface Route {
  readonly doc: OperationDoc;
  readonly streamed?: StreamedBody['kind'];
  readonly jsonWithoutContentType?: boolean;
  readonly middleware: RouterMiddleware<RequestState>;
}

/**
 * Validates a path's parameters and query string, remembering what became of
 * each raw string: both are pure functions of it, and the hot read path sends
 * the same few again and again.
 */
function parameterValidator(schema: Schema) {
  const validate = compileValidator<object>(schema, 'parameter');
  const remembered = rememberValid(validate);
  // A long raw string is not one of the few the hot path repeats, and keeping it
  // would let odd (valid) spellings fill memory: it is validated, not remembered.
  return (key: string, input: () => object) =>
    key.length <= MAX_REMEMBERED_KEY ? remembered(key, input) : validate(input());
}

function bodyValidator(schema: Schema | undefined, prepare?: (body: unknown) => unknown) {
  if (!schema) return undefined;
  const validate = compileValidator<unknown>(schema);
  return (ctx: RouteContext) => {
    const body: unknown = ctx.request.body;
    return validate(prepare ? prepare(body) : body, bodySource(ctx));
  };
}

/**
 * The route's plan, made once when it is declared: only the parts it has a
 * schema for are read. Koa computes `ctx.querystring`, `ctx.query` and
 * `ctx.params` on demand, so a POST without a query schema never parses its
 * URL's query, and a route without path parameters never serializes them.
 */
function inputReader(
  params: Schema | undefined,
  query: Schema | undefined,
  body: Schema | undefined,
  prepareBody: ((body: unknown) => unknown) | undefined,
): (ctx: RouteContext) => { params: unknown; query: unknown; body: unknown } {
  const validParams = params && parameterValidator(params);
  const validQuery = query && parameterValidator(query);
  const validBody = bodyValidator(body, prepareBody);
  // Path parameters before the query string before the body: the first problem found is the one answered.
  return (ctx) => ({
    params: validParams?.(JSON.stringify(ctx.params), () => ({ ...ctx.params })),
    query: validQuery?.(ctx.querystring, () => ({ ...ctx.query })),
    body: validBody?.(ctx),
  });
}

/** Declares a route; its input types are inferred from its schemas. */
export function route<
  const P extends Schema | undefined = undefined,
  const Q extends Schema | undefined = undefined,
  const B extends Schema | undefined = undefined,
>(declaration: RouteDeclaration<P, Q, B>): Route {
  return declaredRoute(declaration as RouteShape<Schema, Schema, Schema> & UntypedHandler);
}

interface UntypedHandler {
  readonly handler: (ctx: RouteContext, input: never) => unknown;
}

/**
 * A route of a resource descriptor (the routes every created resource has),
 * whose input type `I` is the descriptor's own: FromSchema of the very schemas
 * given here, stated where the descriptor is declared. A generic schema cannot
 * be inferred through FromSchema, so the generic routes name the type instead.
 */
export function descriptorRoute<I extends { params?: unknown; query?: unknown; body?: unknown }>(
  declaration: RouteShape<Schema, Schema, Schema> & {
    readonly handler: (ctx: RouteContext, input: I) => unknown;
  },
): Route {
  return declaredRoute(declaration);
}

function declaredRoute(declaration: RouteShape<Schema, Schema, Schema> & UntypedHandler): Route {
  const { params, query, body, streamedBody } = declaration;
  const handler = declaration.handler as (ctx: RouteContext, input: unknown) => unknown;
  const readInput = inputReader(params, query, body, declaration.prepareBody);
  async function validateAndHandle(ctx: RouteContext): Promise<void> {
    const input = readInput(ctx);
    // Every paged route: no page number past MAX_PAGE_OFFSET (the cursor goes on from there).
    if (input.query && ctx.maxPageOffset !== undefined) {
      checkPageOffset(input.query, ctx.maxPageOffset);
    }
    await handler(ctx, input);
  }
  return {
    doc: {
      method: declaration.method,
      path: declaration.path,
      summary: declaration.summary,
      ...(params && { params }),
      ...(query && { query }),
      ...((body ?? streamedBody) && { body: body ?? streamedBody?.doc }),
      ...(declaration.bodyTypes && { bodyTypes: declaration.bodyTypes }),
      ...(declaration.headers && { headers: declaration.headers }),
      responses: declaration.responses,
    },
    ...(streamedBody && { streamed: streamedBody.kind }),
    ...(declaration.jsonWithoutContentType && { jsonWithoutContentType: true }),
    middleware: validateAndHandle,
  };
}

/** The Koa router of a route table, in its order (a literal path before a parameter that would take it). */
export function routerOf(routes: readonly Route[]): Router<RequestState> {
  const router = new Router<RequestState>();
  for (const { doc, middleware } of routes) router[doc.method](doc.path, middleware);
  return router;
}

export function operationsOf(routes: readonly Route[]): OperationDoc[] {
  return routes.map((r) => r.doc);
}

/** The paths whose body the route streams itself, of one kind. */
export function streamedPaths(routes: readonly Route[], kind: StreamedBody['kind']): string[] {
  return routes.filter((r) => r.streamed === kind).map((r) => r.doc.path);
}

/** The paths whose body is read as JSON when it comes without a `Content-Type`. */
export function untypedJsonPaths(routes: readonly Route[]): string[] {
  return routes.filter((r) => r.jsonWithoutContentType).map((r) => r.doc.path);
}
