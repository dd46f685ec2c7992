/** One documented operation; its schemas are the very objects the validators compile. */
export interface OperationDoc {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa-style path, e.g. `/users/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly params?: object;
  readonly query?: object;
  readonly body?: object;
  /** Defaults to JSON and form data. */
  readonly bodyTypes?: readonly string[];
  readonly headers?: readonly { name: string; description: string }[];
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

export interface ResponseDoc {
  readonly description: string;
  readonly schema?: object;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

type Json = Record<string, unknown>;

/**
 * OpenAPI 3.0 spells `exclusiveMinimum` as a boolean beside `minimum`; our
 * schemas use the draft-2020 number form. Converts a copy, leaving the
 * validators' schema untouched.
 */
export function toOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = toOpenApiSchema(value);
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[exclusive] === 'number') {
      out[bound] = out[exclusive];
      out[exclusive] = true;
    }
  }
  if (Array.isArray(out.anyOf) && out.anyOf.some((s) => (s as Json)?.type === 'null')) {
    const rest = out.anyOf.filter((s) => (s as Json)?.type !== 'null');
    delete out.anyOf;
    Object.assign(out, rest.length === 1 ? (rest[0] as Json) : { anyOf: rest }, { nullable: true });
  }
  return out;
}

/** `/users/:id` → `/users/{id}` */
export function openApiPath(koaPath: string): string {
  return koaPath.replace(/:(\w+)/g, '{$1}');
}

function parametersOf(doc: OperationDoc): Json[] {
  const parameters: Json[] = [];
  for (const [where, schema] of [
    ['path', doc.params],
    ['query', doc.query],
  ] as const) {
    const object = schema as { properties?: Json; required?: string[] } | undefined;
    for (const [name, property] of Object.entries(object?.properties ?? {})) {
      parameters.push({
        name,
        in: where,
        required: where === 'path' || (object?.required ?? []).includes(name),
        schema: toOpenApiSchema(property),
      });
    }
  }
  for (const header of doc.headers ?? []) {
    parameters.push({
      name: header.name,
      in: 'header',
      required: false,
      description: header.description,
      schema: { type: 'string' },
    });
  }
  return parameters;
}

function operationOf(doc: OperationDoc): Json {
  const operation: Json = {
    summary: doc.summary,
    operationId: `${doc.method}${openApiPath(doc.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
    parameters: parametersOf(doc),
    responses: Object.fromEntries(
      Object.entries(doc.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema && {
            content: {
              [response.contentType ?? 'application/json']: {
                schema: toOpenApiSchema(response.schema),
              },
            },
          }),
        },
      ]),
    ),
  };
  if (doc.body) {
    const schema = toOpenApiSchema(doc.body);
    operation.requestBody = {
      required: true,
      content: Object.fromEntries(
        (doc.bodyTypes ?? ['application/json', 'application/x-www-form-urlencoded']).map((type) => [
          type,
          { schema },
        ]),
      ),
    };
  }
  return operation;
}

/** Builds an OpenAPI 3.0 document from operation docs. */
export function buildOpenApiDocument(options: {
  title: string;
  version: string;
  description: string;
  operations: readonly OperationDoc[];
}): Json {
  const paths: Record<string, Json> = {};
  for (const doc of options.operations) {
    const path = openApiPath(doc.path);
    paths[path] = { ...(paths[path] ?? {}), [doc.method]: operationOf(doc) };
  }
  return {
    openapi: '3.0.3',
    info: { title: options.title, version: options.version, description: options.description },
    paths,
  };
}
