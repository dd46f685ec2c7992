/**
 * Writes client/src/generated/schema-types.ts: the client's item and resource
 * types, rendered from the JSON Schemas the server validates with
 * (shared/domain/schemas/), so the package's types are the server's rules. Run by
 * `npm run build:client` before tsc; test/unit/client/schema-types.test.ts
 * fails when the committed file differs from what this renders now.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  customerCreateSchema,
  customerPatchSchema,
  customerSchema,
} from '../../shared/domain/schemas/customer.schema.js';
import { listingCreateSchema, listingSchema } from '../../shared/domain/schemas/listing.schema.js';
import {
  orderCreateSchema,
  orderPatchSchema,
  orderSchema,
} from '../../shared/domain/schemas/order.schema.js';
import { personCreateSchema, personSchema } from '../../shared/domain/schemas/person.schema.js';
import { userCreateSchema, userSchema } from '../../shared/domain/schemas/user.schema.js';

export const GENERATED_FILE = fileURLToPath(
  new URL('../src/generated/schema-types.ts', import.meta.url),
);

/** The part of JSON Schema the resource schemas use. */
interface Schema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly [constraint: string]: unknown;
}

/**
 * `input`: what a client sends; a property with a default may be left out
 * (the server fills it in). `output`: what the server answers.
 */
type Role = 'input' | 'output';

interface NamedType {
  readonly name: string;
  readonly role: Role;
  readonly schema: Schema;
  readonly source: string;
  readonly doc: string;
}

const TYPES: readonly NamedType[] = [
  {
    name: 'UserCreate',
    role: 'input',
    schema: userCreateSchema,
    source: 'user.schema.ts userCreateSchema',
    doc: 'A user to create (`users.create`).',
  },
  {
    name: 'User',
    role: 'output',
    schema: userSchema,
    source: 'user.schema.ts userSchema',
    doc: 'A user as the server answers it.',
  },
  {
    name: 'ListingCreate',
    role: 'input',
    schema: listingCreateSchema,
    source: 'listing.schema.ts listingCreateSchema',
    doc: 'A listing to create (`listings.create`).',
  },
  {
    name: 'Listing',
    role: 'output',
    schema: listingSchema,
    source: 'listing.schema.ts listingSchema',
    doc: 'A listing as the server answers it.',
  },
  {
    name: 'PersonCreate',
    role: 'input',
    schema: personCreateSchema,
    source: 'person.schema.ts personCreateSchema',
    doc: 'A person to create (`people.create`); the id is generated.',
  },
  {
    name: 'Person',
    role: 'output',
    schema: personSchema,
    source: 'person.schema.ts personSchema',
    doc: 'A person as the server answers it (`null` where unknown).',
  },
  {
    name: 'CustomerCreate',
    role: 'input',
    schema: customerCreateSchema,
    source: 'customer.schema.ts customerCreateSchema',
    doc: 'A customer to create (`customers.create`).',
  },
  {
    name: 'CustomerPatch',
    role: 'input',
    schema: customerPatchSchema,
    source: 'customer.schema.ts customerPatchSchema',
    doc: 'Fields to change (`customers.update`); `null` clears an optional one.',
  },
  {
    name: 'Customer',
    role: 'output',
    schema: customerSchema,
    source: 'customer.schema.ts customerSchema',
    doc: 'A customer as the server answers it.',
  },
  {
    name: 'OrderCreate',
    role: 'input',
    schema: orderCreateSchema,
    source: 'order.schema.ts orderCreateSchema',
    doc: 'An order to place (`orders.create`).',
  },
  {
    name: 'OrderPatch',
    role: 'input',
    schema: orderPatchSchema,
    source: 'order.schema.ts orderPatchSchema',
    doc: 'Fields to change (`orders.update`), at least one.',
  },
  {
    name: 'Order',
    role: 'output',
    schema: orderSchema,
    source: 'order.schema.ts orderSchema',
    doc: 'An order as the server answers it.',
  },
];

/** Validation keywords worth a reader's eye, shown as TSDoc tags. */
const CONSTRAINTS = [
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'pattern',
  'format',
  'formatMinimum',
  'formatMaximum',
] as const;

/** A value as TypeScript source, in the project's Prettier style (single-quoted strings). */
function literal(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function typeName(type: string, schema: Schema, role: Role, indent: string): string {
  switch (type) {
    case 'string':
      return schema.enum ? schema.enum.map(literal).join(' | ') : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'object':
      return objectType(schema, role, indent);
    default:
      throw new Error(`generate-types: unsupported JSON Schema type "${type}"`);
  }
}

function typeOf(schema: Schema, role: Role, indent: string): string {
  if (schema.anyOf) return schema.anyOf.map((part) => typeOf(part, role, indent)).join(' | ');
  if (schema.type === undefined) {
    if (schema.enum) return schema.enum.map(literal).join(' | ');
    throw new Error('generate-types: a schema without a type');
  }
  const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
  return types.map((type) => typeName(type, schema, role, indent)).join(' | ');
}

/** The schema's own constraints and those of the parts of an `anyOf`. */
function constraintsOf(schema: Schema): string[] {
  const parts = schema.anyOf ?? [schema];
  return parts.flatMap((part) =>
    CONSTRAINTS.filter((key) => part[key] !== undefined).map(
      (key) => `@${key} ${String(part[key])}`,
    ),
  );
}

function docOf(schema: Schema, indent: string): string {
  const lines = [
    ...(schema.description ? [schema.description] : []),
    ...constraintsOf(schema),
    ...(schema.default !== undefined ? [`@default ${literal(schema.default)}`] : []),
  ];
  if (lines.some((line) => line.includes('*/'))) {
    throw new Error('generate-types: a description or pattern would end its comment');
  }
  if (lines.length === 0) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`).join('\n')}\n${indent} */\n`;
}

function objectType(schema: Schema, role: Role, indent: string): string {
  if (schema.additionalProperties !== false) {
    throw new Error('generate-types: every object schema must refuse unknown fields');
  }
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const optional = !required.has(name) || (role === 'input' && property.default !== undefined);
    return `${docOf(property, inner)}${inner}${name}${optional ? '?' : ''}: ${typeOf(property, role, inner)};`;
  });
  return `{\n${fields.join('\n')}\n${indent}}`;
}

/** The generated module's text: one exported interface per resource type, in TYPES order. */
export function renderSchemaTypes(): string {
  const header = [
    '// Generated by client/scripts/generate-types.ts from shared/domain/schemas/ (npm run build:client).',
    '// Do not edit: change the schema and run the build; test/unit/client/schema-types.test.ts',
    '// fails while this file and the schemas disagree.',
  ];
  const types = TYPES.map(
    ({ name, role, schema, source, doc }) =>
      `/**\n * ${doc}\n * From shared/domain/schemas/${source}.\n */\nexport interface ${name} ${objectType(schema, role, '')}\n`,
  );
  return `${header.join('\n')}\n\n${types.join('\n')}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderSchemaTypes();
  const before = await readFile(GENERATED_FILE, 'utf8').catch(() => '');
  if (before !== text) {
    await writeFile(GENERATED_FILE, text);
    console.log(`generate-types: wrote ${GENERATED_FILE}`);
  }
}
