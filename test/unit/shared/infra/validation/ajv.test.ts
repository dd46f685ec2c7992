import { expect } from 'chai';
import { ValidationError } from '../../../../../shared/domain/errors/index.js';
import { compileValidator, trimStrings } from '../../../../../shared/infra/validation/ajv.js';
import {
  listingCreateSchema,
  type ListingCreate,
} from '../../../../../shared/domain/schemas/listing.schema.js';
import {
  idParamSchema,
  listingPageQuerySchema,
  pageQuerySchema,
  type IdParam,
  type ListingPageQuery,
  type PageQuery,
} from '../../../../../shared/domain/schemas/query.schema.js';
import {
  userCreateSchema,
  type UserCreate,
} from '../../../../../shared/domain/schemas/user.schema.js';

const validateListing = compileValidator<ListingCreate>(listingCreateSchema);
const validateUser = compileValidator<UserCreate>(userCreateSchema);
const validateListingPage = compileValidator<ListingPageQuery>(listingPageQuerySchema, 'parameter');
const validatePage = compileValidator<PageQuery>(pageQuerySchema, 'parameter');
const validateId = compileValidator<IdParam>(idParamSchema, 'parameter');

/** The ValidationError a validator throws for `input`; fails the test if it returns instead. */
function rejectionOf(validate: (input: unknown) => unknown, input: unknown): ValidationError {
  let result: unknown;
  try {
    result = validate(input);
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return error as ValidationError;
  }
  expect.fail(`expected a ValidationError, got ${JSON.stringify(result)}`);
}

function messagesFor(validate: (input: unknown) => unknown, input: unknown): readonly string[] {
  return rejectionOf(validate, input).messages;
}

const validListing = { user_id: 1, listing_type: 'rent', price: 100 };

describe('compileValidator', () => {
  describe('the ValidationError it throws', () => {
    it('is a 400 with code VALIDATION_FAILED whose message joins every field message', () => {
      const error = rejectionOf(validateListing, { listing_type: 'buy', price: 0, user_id: 1 });
      expect(error.status).to.equal(400);
      expect(error.code).to.equal('VALIDATION_FAILED');
      expect(error.expose).to.equal(true);
      expect(error.messages).to.deep.equal([
        "invalid listing_type. Supported values: 'rent', 'sale'",
        'price must be greater than 0',
      ]);
      expect(error.message).to.equal(
        "invalid listing_type. Supported values: 'rent', 'sale'; price must be greater than 0",
      );
    });
  });

  describe('listing create body (field style)', () => {
    it('returns a valid listing unchanged', () => {
      expect(validateListing({ ...validListing })).to.deep.equal(validListing);
    });

    it('accepts both listing types', () => {
      expect(validateListing({ ...validListing, listing_type: 'sale' }).listing_type).to.equal(
        'sale',
      );
    });

    it(`rejects an unsupported listing_type with "invalid listing_type. Supported values: 'rent', 'sale'"`, () => {
      expect(messagesFor(validateListing, { ...validListing, listing_type: 'buy' })).to.deep.equal([
        "invalid listing_type. Supported values: 'rent', 'sale'",
      ]);
    });

    it('treats listing_type case-sensitively', () => {
      expect(messagesFor(validateListing, { ...validListing, listing_type: 'Rent' })).to.deep.equal(
        ["invalid listing_type. Supported values: 'rent', 'sale'"],
      );
    });

    it('rejects a price of 0 with "price must be greater than 0"', () => {
      expect(messagesFor(validateListing, { ...validListing, price: 0 })).to.deep.equal([
        'price must be greater than 0',
      ]);
    });

    it('rejects a negative price with "price must be greater than 0"', () => {
      expect(messagesFor(validateListing, { ...validListing, price: -5 })).to.deep.equal([
        'price must be greater than 0',
      ]);
    });

    it('accepts a price of 1', () => {
      expect(validateListing({ ...validListing, price: 1 }).price).to.equal(1);
    });

    it("rejects a fractional or non-numeric price in the seed listing service's words", () => {
      expect(messagesFor(validateListing, { ...validListing, price: 1.5 })).to.deep.equal([
        'invalid price. Must be an integer',
      ]);
      expect(messagesFor(validateListing, { ...validListing, price: 'abc' })).to.deep.equal([
        'invalid price. Must be an integer',
      ]);
    });

    it('rejects a price above Number.MAX_SAFE_INTEGER', () => {
      expect(messagesFor(validateListing, { ...validListing, price: 2 ** 53 })).to.deep.equal([
        'price must be at most 9007199254740991',
      ]);
    });

    it('rejects user_id 0 with the seed\'s "invalid user_id"', () => {
      expect(messagesFor(validateListing, { ...validListing, user_id: 0 })).to.deep.equal([
        'invalid user_id',
      ]);
    });

    it('names every missing field with "<field> is required"', () => {
      expect(messagesFor(validateListing, {})).to.deep.equal([
        'user_id is required',
        'listing_type is required',
        'price is required',
      ]);
    });

    it('names an unknown field with "unknown field <name>"', () => {
      expect(messagesFor(validateListing, { ...validListing, colour: 'red' })).to.deep.equal([
        'unknown field colour',
      ]);
    });

    it('reports every problem at once: field errors first, then unknown fields', () => {
      expect(
        messagesFor(validateListing, { listing_type: 'x', price: 0, a: 1, b: 2 }),
      ).to.deep.equal([
        'user_id is required',
        "invalid listing_type. Supported values: 'rent', 'sale'",
        'price must be greater than 0',
        'unknown field a',
        'unknown field b',
      ]);
    });

    it("coerces form strings to integers ('100' → 100)", () => {
      expect(validateListing({ user_id: '1', listing_type: 'rent', price: '100' })).to.deep.equal({
        user_id: 1,
        listing_type: 'rent',
        price: 100,
      });
    });

    it('trims strings before coercing and checking them', () => {
      expect(
        validateListing({ user_id: ' 7 ', listing_type: ' sale ', price: ' 100 ' }),
      ).to.deep.equal({ user_id: 7, listing_type: 'sale', price: 100 });
    });

    it('does not modify the object it was given', () => {
      const input = { user_id: '1', listing_type: ' rent ', price: '100' };
      validateListing(input);
      expect(input).to.deep.equal({ user_id: '1', listing_type: ' rent ', price: '100' });
    });
  });

  describe('user create body (field style)', () => {
    it("trims the name ('  Bob ' → 'Bob')", () => {
      expect(validateUser({ name: '  Bob ' })).to.deep.equal({ name: 'Bob' });
    });

    it('rejects a name of only spaces with "name must not be empty"', () => {
      expect(messagesFor(validateUser, { name: '   ' })).to.deep.equal(['name must not be empty']);
    });

    it('rejects an empty name with "name must not be empty"', () => {
      expect(messagesFor(validateUser, { name: '' })).to.deep.equal(['name must not be empty']);
    });

    it('accepts a name of exactly 200 characters', () => {
      const name = 'a'.repeat(200);
      expect(validateUser({ name })).to.deep.equal({ name });
    });

    it('rejects a name of 201 characters', () => {
      expect(messagesFor(validateUser, { name: 'a'.repeat(201) })).to.deep.equal([
        'name must be at most 200 characters',
      ]);
    });

    it('counts the length after trimming (200 characters plus padding is accepted)', () => {
      const name = 'b'.repeat(200);
      expect(validateUser({ name: `  ${name}  ` })).to.deep.equal({ name });
    });

    it('rejects an object or array name with "name must be a string"', () => {
      expect(messagesFor(validateUser, { name: { first: 'Bob' } })).to.deep.equal([
        'name must be a string',
      ]);
      expect(messagesFor(validateUser, { name: ['Bob'] })).to.deep.equal(['name must be a string']);
    });

    it('rejects a missing name with "name is required"', () => {
      expect(messagesFor(validateUser, {})).to.deep.equal(['name is required']);
    });
  });

  describe('a body that is not a JSON object', () => {
    for (const [label, body] of [
      ['an array', [1, 2]],
      ['a string', 'hello'],
      ['a number', 42],
      ['a boolean', true],
    ] as const) {
      it(`answers ${label} with a ValidationError "request body must be an object"`, () => {
        expect(messagesFor(validateListing, body)).to.deep.equal([
          'request body must be an object',
        ]);
      });
    }

    it('treats a missing (undefined or null) body as an empty object', () => {
      const required = ['user_id is required', 'listing_type is required', 'price is required'];
      expect(messagesFor(validateListing, undefined)).to.deep.equal(required);
      expect(messagesFor(validateListing, null)).to.deep.equal(required);
    });
  });

  describe('a body with a "__proto__" key', () => {
    afterEach(() => {
      delete (Object.prototype as Record<string, unknown>).polluted;
    });

    it('is rejected as an unknown field', () => {
      const body: unknown = JSON.parse('{"name":"Bob","__proto__":{"polluted":true}}');
      expect(messagesFor(validateUser, body)).to.deep.equal(['unknown field __proto__']);
    });

    it('does not pollute Object.prototype', () => {
      const body: unknown = JSON.parse(
        '{"user_id":1,"listing_type":"rent","price":100,"__proto__":{"polluted":true}}',
      );
      rejectionOf(validateListing, body);
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).to.equal(false);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });

  describe('query parameters (parameter style)', () => {
    it('fills page_num 1 and page_size 10 when absent', () => {
      expect(validateListingPage({})).to.deep.equal({ page_num: 1, page_size: 10 });
      expect(validatePage({})).to.deep.equal({ page_num: 1, page_size: 10 });
    });

    it('treats a missing query object as empty and still fills the defaults', () => {
      expect(validatePage(undefined)).to.deep.equal({ page_num: 1, page_size: 10 });
    });

    it('coerces query strings to integers', () => {
      expect(validateListingPage({ page_num: '3', page_size: '20', user_id: '7' })).to.deep.equal({
        page_num: 3,
        page_size: 20,
        user_id: 7,
      });
    });

    it('accepts page_size 100', () => {
      expect(validatePage({ page_size: '100' })).to.deep.equal({ page_num: 1, page_size: 100 });
    });

    it('rejects page_size 101 with "invalid page_size"', () => {
      expect(messagesFor(validatePage, { page_size: '101' })).to.deep.equal(['invalid page_size']);
    });

    it('rejects a non-numeric page_num with "invalid page_num"', () => {
      expect(messagesFor(validateListingPage, { page_num: 'abc' })).to.deep.equal([
        'invalid page_num',
      ]);
    });

    it('rejects page_num 0 with "invalid page_num"', () => {
      expect(messagesFor(validateListingPage, { page_num: '0' })).to.deep.equal([
        'invalid page_num',
      ]);
    });

    it('rejects a repeated parameter (an array) with "invalid page_num"', () => {
      expect(messagesFor(validateListingPage, { page_num: ['1', '2'] })).to.deep.equal([
        'invalid page_num',
      ]);
    });

    it('names an unknown parameter with "unknown field <name>"', () => {
      expect(messagesFor(validateListingPage, { sort: 'price' })).to.deep.equal([
        'unknown field sort',
      ]);
    });

    it('rejects user_id on the plain page query, which does not filter by user', () => {
      expect(messagesFor(validatePage, { user_id: '1' })).to.deep.equal(['unknown field user_id']);
    });

    it('says "<param> is required" for a missing required parameter', () => {
      expect(messagesFor(validateId, {})).to.deep.equal(['id is required']);
    });

    it('says "invalid <param>" for a malformed path parameter', () => {
      expect(messagesFor(validateId, { id: 'x' })).to.deep.equal(['invalid id']);
      expect(validateId({ id: '42' })).to.deep.equal({ id: 42 });
    });
  });
});

describe('trimStrings', () => {
  it('trims strings inside nested objects and arrays', () => {
    expect(trimStrings({ a: ' x ', b: [' y', { c: 'z ' }], n: 1, nil: null })).to.deep.equal({
      a: 'x',
      b: ['y', { c: 'z' }],
      n: 1,
      nil: null,
    });
  });

  it('returns a copy and leaves the input untouched', () => {
    const input = { a: ' x ' };
    const output = trimStrings(input);
    expect(output).to.not.equal(input);
    expect(input).to.deep.equal({ a: ' x ' });
  });

  it('keeps a "__proto__" key as an own property without changing the prototype', () => {
    const output = trimStrings(JSON.parse('{"__proto__":{"a":" 1 "}}')) as object;
    expect(Object.getPrototypeOf(output)).to.equal(Object.prototype);
    expect(Object.keys(output)).to.deep.equal(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(output, '__proto__')?.value).to.deep.equal({ a: '1' });
  });
});

describe('compileValidator for JSON bodies (source "json")', () => {
  const validate = compileValidator<ListingCreate>(listingCreateSchema);

  it('keeps JSON types: a boolean or null is never taken for a number', () => {
    expect(() => validate({ user_id: null, listing_type: 'rent', price: true }, 'json'))
      .to.throw(ValidationError)
      .with.property('messages')
      .that.deep.equals(['invalid user_id', 'invalid price. Must be an integer']);
  });

  it('reads a number field\'s numeric string as that number (the seeds\' clients send "31")', () => {
    expect(validate({ user_id: '1', listing_type: 'rent', price: '5' }, 'json')).to.deep.equal({
      user_id: 1,
      listing_type: 'rent',
      price: 5,
    });
  });

  it('checks a numeric string as the number it is: "31.5" is still not an integer, "1e3x" not a number', () => {
    for (const price of ['31.5', '1e3x', '1e2', '', ' 7 x', '0x10', 'Infinity']) {
      expect(() => validate({ user_id: 1, listing_type: 'rent', price }, 'json'), price)
        .to.throw(ValidationError)
        .with.property('messages')
        .that.deep.equals(['invalid price. Must be an integer']);
    }
  });

  it('still coerces form text', () => {
    expect(validate({ user_id: '1', listing_type: 'rent', price: '5' }, 'text')).to.deep.equal({
      user_id: 1,
      listing_type: 'rent',
      price: 5,
    });
  });
});

describe('compileValidator for text whose coercion leaves the schema (found by fast-check)', () => {
  it('refuses "1e309", which coerces to Infinity, as an id', () => {
    const validate = compileValidator<IdParam>(idParamSchema, 'parameter');
    expect(() => validate({ id: '1e309' }, 'text'))
      .to.throw(ValidationError)
      .with.property('messages')
      .that.deep.equals(['invalid id']);
  });
});

describe('compileValidator for queued job payloads (source "job")', () => {
  const validate = compileValidator<ListingCreate>(listingCreateSchema);

  it('returns the payload itself when it is valid: the API trimmed it before queueing', () => {
    const payload = { user_id: 1, listing_type: 'rent', price: 5 };
    expect(validate(payload, 'job')).to.equal(payload);
  });

  it('refuses a malformed payload, a numeric string included (a job is never coerced)', () => {
    expect(() => validate({ user_id: '1', listing_type: 'rent', price: 5 }, 'job'))
      .to.throw(ValidationError)
      .with.property('messages')
      .that.deep.equals(['invalid user_id']);
    expect(() =>
      validate({ user_id: 1, listing_type: 'rent', price: 5, extra: 1 }, 'job'),
    ).to.throw(ValidationError);
  });
});
