import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { GENERATED_FILE, renderSchemaTypes } from '../../../client/scripts/generate-types.js';
import type * as Client from '../../../client/src/generated/schema-types.js';
import type {
  customerCreateSchema,
  customerPatchSchema,
  customerSchema,
} from '../../../shared/domain/schemas/customer.schema.js';
import type {
  listingCreateSchema,
  listingSchema,
} from '../../../shared/domain/schemas/listing.schema.js';
import type {
  orderCreateSchema,
  orderPatchSchema,
  orderSchema,
} from '../../../shared/domain/schemas/order.schema.js';
import type {
  personCreateSchema,
  personSchema,
} from '../../../shared/domain/schemas/person.schema.js';
import type { userCreateSchema, userSchema } from '../../../shared/domain/schemas/user.schema.js';

/** What the server validates a client's input as: a field with a default may be left out. */
type Sent<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;
/** What the server answers. */
type Answered<S extends JSONSchema> = FromSchema<S>;
/** True when each type is assignable to the other: the same values pass both. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compile-time half of the drift check: `tsc --noEmit` (npm test) fails on a
 * `false` here, whatever the committed file says.
 */
const typesMatchTheSchemas: {
  UserCreate: Same<Client.UserCreate, Sent<typeof userCreateSchema>>;
  User: Same<Client.User, Answered<typeof userSchema>>;
  ListingCreate: Same<Client.ListingCreate, Sent<typeof listingCreateSchema>>;
  Listing: Same<Client.Listing, Answered<typeof listingSchema>>;
  PersonCreate: Same<Client.PersonCreate, Sent<typeof personCreateSchema>>;
  Person: Same<Client.Person, Answered<typeof personSchema>>;
  CustomerCreate: Same<Client.CustomerCreate, Sent<typeof customerCreateSchema>>;
  CustomerPatch: Same<Client.CustomerPatch, Sent<typeof customerPatchSchema>>;
  Customer: Same<Client.Customer, Answered<typeof customerSchema>>;
  OrderCreate: Same<Client.OrderCreate, Sent<typeof orderCreateSchema>>;
  OrderPatch: Same<Client.OrderPatch, Sent<typeof orderPatchSchema>>;
  Order: Same<Client.Order, Answered<typeof orderSchema>>;
} = {
  UserCreate: true,
  User: true,
  ListingCreate: true,
  Listing: true,
  PersonCreate: true,
  Person: true,
  CustomerCreate: true,
  CustomerPatch: true,
  Customer: true,
  OrderCreate: true,
  OrderPatch: true,
  Order: true,
};

describe("@spillway/client's types come from the server's JSON Schemas", () => {
  it('the committed client/src/generated/schema-types.ts is what the schemas render now', async () => {
    const committed = await readFile(GENERATED_FILE, 'utf8');
    expect(committed, 'stale: run `npm run build:client` and commit the file').to.equal(
      renderSchemaTypes(),
    );
  });

  it('each generated type accepts exactly what FromSchema of its schema accepts (checked by tsc)', () => {
    expect(Object.values(typesMatchTheSchemas).every((same) => same)).to.equal(true);
  });

  it('an order may be placed without a status (the server defaults it to "new")', () => {
    const order: Client.OrderCreate = {
      vehicle_manufacturer: 'Skoda',
      model: 'Octavia',
      total_price: 1,
    };
    expect(order).to.not.have.property('status');
  });
});
