import { expect } from 'chai';
import {
  createClient,
  ItemRejectedError,
  publicApi,
  type SpillwayClient,
} from '../../client/src/index.js';
import type { NpmStarted } from '../support/client-pipeline.js';
import { http } from '../support/http.js';

/** The rejection of `promise`, or a failure if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<ItemRejectedError> {
  const outcome = await promise.then(
    () => expect.fail('expected the item to be refused'),
    (error: unknown) => error,
  );
  expect(outcome).to.be.instanceOf(ItemRejectedError);
  return outcome as ItemRejectedError;
}

/**
 * Every write resource and kind through the client against npm start: each
 * call resolves with its own resource, id and job id; the server's field
 * errors come back on the item. `waitSeconds` makes each answer wait for the
 * write to be persisted, so what it says can be read back at once.
 */
export function describeEveryResource(npmStart: () => NpmStarted): void {
  describe('every resource and write kind', () => {
    let spillway: SpillwayClient;
    const tag = `client-${Date.now()}`;
    before(() => {
      spillway = createClient({ services: npmStart().services, waitSeconds: 10 });
    });
    after(() => spillway.close());

    it('users, listings and people: create resolves with the persisted resource; invalid items carry their errors', async () => {
      const [user, listing, person, badUser, badListing] = await Promise.allSettled([
        spillway.users.create({ name: `${tag} Ann` }),
        spillway.listings.create({ user_id: 1, listing_type: 'rent', price: 6000 }),
        spillway.people.create({ first: 'Ada', last: tag, age: 36 }),
        spillway.users.create({ name: '' }),
        spillway.listings.create({ user_id: 1, listing_type: 'lease' as 'rent', price: 0 }),
      ]);
      const ok = <T>(result: PromiseSettledResult<T>) =>
        (result as PromiseFulfilledResult<T>).value;
      expect(ok(user)).to.deep.include({ status: 201, id: ok(user).resource.id });
      expect(ok(user).resource.name).to.equal(`${tag} Ann`);
      expect(ok(user).jobId).to.equal(`users-${ok(user).id}-v1`);
      expect(ok(listing).resource).to.include({ user_id: 1, listing_type: 'rent', price: 6000 });
      expect(ok(person).resource).to.include({ first: 'Ada', last: tag, age: 36 });
      const read = await http('GET', `${npmStart().services.users}/users/${ok(user).id}`);
      expect(read.body.user).to.deep.equal(ok(user).resource);
      expect((badUser as PromiseRejectedResult).reason).to.include({ status: 400 });
      expect((badUser as PromiseRejectedResult).reason.errors).to.deep.equal([
        'name must not be empty',
      ]);
      expect((badListing as PromiseRejectedResult).reason.errors).to.deep.equal([
        "invalid listing_type. Supported values: 'rent', 'sale'",
        'price must be greater than 0',
      ]);
    });

    it('customers: create, update and remove (one request each, in call order); a username taken earlier in the batch is that item’s 409', async () => {
      const username = `${tag}-bob`;
      const [created, taken] = await Promise.allSettled([
        spillway.customers.create({ username, address: '1 Main St', income: '12345.67' }),
        spillway.customers.create({ username, address: '9 Other St', income: 1 }),
      ]);
      const first = (
        created as PromiseFulfilledResult<Awaited<ReturnType<typeof spillway.customers.create>>>
      ).value;
      expect(first.id).to.equal(first.resource.uuid);
      expect(first.resource).to.include({ username, income: '12345.67', version: 1 });
      const refused = (taken as PromiseRejectedResult).reason as ItemRejectedError;
      expect(refused).to.be.instanceOf(ItemRejectedError);
      expect(refused.status).to.equal(409);
      const [updated, removed] = await Promise.all([
        spillway.customers.update(first.id, { address: '2 Side St' }),
        spillway.customers.remove(first.id),
      ]);
      expect(updated.resource).to.include({ address: '2 Side St', version: 2 });
      expect(removed.resource).to.include({ deleted: true, version: 3 });
      const unknown = await rejection(
        spillway.customers.update('00000000-0000-4000-8000-000000000000', { address: 'x' }),
      );
      expect(unknown.status).to.equal(404);
    });

    it('orders: create, update and remove; an unknown order is that item’s 404', async () => {
      const created = await spillway.orders.create({
        vehicle_manufacturer: 'Skoda',
        model: tag,
        total_price: 12000.5,
      });
      expect(created.resource).to.include({ status: 'new', model: tag });
      const updated = await spillway.orders.update(created.id, { status: 'confirmed' });
      expect(updated.resource).to.include({ id: created.id, status: 'confirmed' });
      const removed = await spillway.orders.remove(created.id);
      expect(removed.id).to.equal(created.id);
      const gone = await http('GET', `${npmStart().services.orders}/orders/${created.id}`);
      expect(gone.status).to.equal(404);
      const unknown = await rejection(
        spillway.orders.update('0123456789abcdef01234567', { status: 'cancelled' }),
      );
      expect(unknown.status).to.equal(404);
    });

    it('through the public API: each listing comes back with its user; an unknown user_id is that item’s 422', async () => {
      const viaPublic = createClient({
        services: publicApi(npmStart().publicOrigin),
        waitSeconds: 10,
      });
      try {
        const user = await viaPublic.users.create({ name: `${tag} public` });
        const [listing, unknown] = await Promise.allSettled([
          viaPublic.listings.create({ user_id: user.id, listing_type: 'sale', price: 90000 }),
          viaPublic.listings.create({ user_id: 987_654_321, listing_type: 'rent', price: 1 }),
        ]);
        const written = (listing as PromiseFulfilledResult<{ resource: { user?: unknown } }>).value;
        expect(written.resource.user).to.deep.equal(user.resource);
        expect((unknown as PromiseRejectedResult).reason).to.include({ status: 422 });
      } finally {
        await viaPublic.close();
      }
    });
  });
}
