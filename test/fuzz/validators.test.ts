import { expect } from 'chai';
import fc from 'fast-check';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import * as customerSchemas from '../../shared/domain/schemas/customer.schema.js';
import * as listingSchemas from '../../shared/domain/schemas/listing.schema.js';
import * as orderSchemas from '../../shared/domain/schemas/order.schema.js';
import * as querySchemas from '../../shared/domain/schemas/query.schema.js';
import * as userSchemas from '../../shared/domain/schemas/user.schema.js';
import * as jobSchemas from '../../shared/domain/writes/write-jobs.js';
import * as orderJobSchemas from '../../shared/domain/writes/order-jobs.js';
import { ValidationError } from '../../shared/domain/errors/index.js';
import { compileValidator, type InputSource } from '../../shared/infra/validation/ajv.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

interface ObjectSchema {
  type: 'object';
  properties?: Record<string, unknown>;
}

/** Every object schema the project exports: resource bodies, queries, job payloads. */
const SCHEMAS: [string, ObjectSchema][] = Object.entries<unknown>({
  ...customerSchemas,
  ...listingSchemas,
  ...orderSchemas,
  ...querySchemas,
  ...userSchemas,
  ...jobSchemas,
  ...orderJobSchemas,
}).filter((entry): entry is [string, ObjectSchema] => {
  const value = entry[1] as { type?: unknown } | null;
  return typeof value === 'object' && value !== null && value.type === 'object';
});

/**
 * A second, independent judge: no coercion, no defaults, no trimming. Whatever
 * the project's validator accepts must satisfy the schema as written.
 */
const judge = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
addFormats(judge);

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

const HOSTILE_STRINGS = [
  'x'.repeat(1_000_000),
  '\u0000',
  'a\u0000b',
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  '\\',
  '%_%',
  '\u202e\u0301',
  '\ud800',
  '  ',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '1e309',
  '-0',
  '0x10',
  'NaN',
  '9007199254740993',
  '__proto__',
];

/** Values meant to hurt: operators for Mongo, SQL metacharacters, huge and deep input, wrong types. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom<unknown>(
    { $gt: '' },
    { $ne: null },
    { $where: 'sleep(1000)' },
    { $regex: '.*' },
    [{ $gt: '' }],
    nested(10_000),
    JSON.parse('{"__proto__": {"polluted": true}}'),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    2 ** 64,
    null,
    true,
    [],
    {},
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.bigInt().map(String),
  fc.anything({ maxDepth: 4 }),
);

/** Objects that use the schema's own field names (and some others) with hostile values. */
function hostileInput(schema: ObjectSchema): fc.Arbitrary<unknown> {
  const names = Object.keys(schema.properties ?? {});
  const key = fc.oneof(
    ...(names.length ? [fc.constantFrom(...names)] : []),
    fc.constantFrom('$where', '$gt', '__proto__', 'constructor', ''),
    fc.string({ maxLength: 10 }),
  );
  return fc.oneof(
    fc.dictionary(key, hostileValue, { maxKeys: names.length + 2 }),
    hostileValue,
    fc.anything(),
  );
}

describe('fuzz: every schema validator under random and hostile input (fast-check)', function () {
  this.timeout(120_000);
  for (const [name, schema] of SCHEMAS) {
    for (const source of ['json', 'text'] as InputSource[]) {
      it(`${name} (${source}): throws only ValidationError, and what it accepts satisfies the schema`, () => {
        const validate = compileValidator<unknown>(schema);
        const satisfies = judge.compile(schema);
        fc.assert(
          fc.property(hostileInput(schema), (input) => {
            let accepted: unknown;
            try {
              accepted = validate(input, source);
            } catch (error) {
              if (!(error instanceof ValidationError)) throw error;
              expect(error.status).to.equal(400);
              expect(error.messages.length).to.be.greaterThan(0);
              for (const message of error.messages) expect(message).to.be.a('string').and.not.empty;
              return;
            }
            expect(satisfies(accepted), JSON.stringify(satisfies.errors)).to.equal(true);
          }),
          { numRuns: 300 },
        );
      });
    }
  }

  it('found the schemas to fuzz', () => {
    expect(SCHEMAS.map(([name]) => name)).to.include.members([
      'userCreateSchema',
      'listingCreateSchema',
      'customerCreateSchema',
      'orderCreateSchema',
    ]);
  });
});
