import { NotFoundError, UnprocessableError } from '../../shared/domain/errors/index.js';
import type { Listing, ListingCreate } from '../../shared/domain/schemas/listing.schema.js';
import type { ListingPageQuery } from '../../shared/domain/schemas/query.schema.js';
import type { User, UserCreate } from '../../shared/domain/schemas/user.schema.js';
import type { ListingsClient } from './clients/listings.client.js';
import type { CallMeta } from './clients/upstream-client.js';
import type { UpstreamWrite, WriteMeta } from './clients/upstream-write.js';
import type { UsersClient } from './clients/users.client.js';
import type { BulkItemOutcome, BulkMeta } from '../bulk-writes.js';

/** A listing written through the public API (one or in bulk): as stored (with `user_id`), its user beside. */
export type PublicWrittenListing = Listing & { readonly user: User };

/** A listing as the internet sees it: its user embedded instead of `user_id`. */
export interface PublicListing {
  readonly id: number;
  readonly listing_type: Listing['listing_type'];
  readonly price: number;
  readonly created_at: number;
  readonly updated_at: number;
  /** null when the user service does not know the listing's user (see docs/services/public.md). */
  readonly user: User | null;
}

export interface PublicServiceDeps {
  readonly users: UsersClient;
  readonly listings: ListingsClient;
  /** How long a listing's user may still be queued before it counts as unknown. */
  readonly userCheckWaitMs: number;
}

const FIRST_RECHECK_MS = 50;

function embed(listing: Listing, user: User | null): PublicListing {
  const { id, listing_type, price, created_at, updated_at } = listing;
  return { id, listing_type, price, created_at, updated_at, user };
}

/**
 * The user, re-checked with backoff for up to `userCheckWaitMs`: a user
 * created a moment ago may still be queued, and its service answers 404
 * until it is persisted.
 */
async function requireUser(deps: PublicServiceDeps, userId: number, meta: CallMeta): Promise<User> {
  const deadline = Date.now() + deps.userCheckWaitMs;
  for (let pause = FIRST_RECHECK_MS; ; pause *= 2) {
    const user = await deps.users.getUser(userId, meta);
    if (user) return user;
    const left = deadline - Date.now();
    if (left <= 0) throw new UnprocessableError(`user_id ${userId} does not exist`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
  }
}

/**
 * The known users among `ids` (≤ 100, one look-up), re-checking the missing
 * ones with backoff for up to `userCheckWaitMs`: users created a moment ago
 * may still be queued.
 */
async function knownUsers(
  deps: PublicServiceDeps,
  ids: readonly number[],
  meta: CallMeta,
): Promise<Map<number, User>> {
  const found = new Map<number, User>();
  const deadline = Date.now() + deps.userCheckWaitMs;
  let missing = [...ids];
  for (let pause = FIRST_RECHECK_MS; missing.length > 0; pause *= 2) {
    for (const user of await deps.users.findUsers(missing, meta)) found.set(user.id, user);
    missing = missing.filter((id) => !found.has(id));
    const left = deadline - Date.now();
    if (missing.length === 0 || left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
  }
  return found;
}

/**
 * A chunk's listing outcomes: a 422 for an unknown user, else the listing
 * service's outcome (`written`, one per known input, in order) with its user.
 */
function listingOutcomes(
  inputs: readonly ListingCreate[],
  users: ReadonlyMap<number, User>,
  written: readonly BulkItemOutcome<Listing>[],
): BulkItemOutcome<PublicWrittenListing>[] {
  let next = 0;
  return inputs.map((input): BulkItemOutcome<PublicWrittenListing> => {
    const user = users.get(input.user_id);
    if (!user) return { status: 422, errors: [`user_id ${input.user_id} does not exist`] };
    const outcome = written[next++];
    if (!outcome) throw new Error('the listing service answered fewer items than it was sent');
    if (outcome.status !== 202) return outcome;
    return { ...outcome, resource: { ...outcome.resource, user } };
  });
}

/** The public API's writes: passed on upstream, a listing's user checked first. */
function publicWrites(deps: PublicServiceDeps) {
  return {
    /** One chunk of bulk users (§7), passed on to the user service's bulk intake. */
    createUsers(inputs: readonly UserCreate[], meta: BulkMeta): Promise<BulkItemOutcome<User>[]> {
      return deps.users.createUsers(inputs, meta);
    },

    /**
     * One chunk of bulk listings (§7): every user_id checked in one batched
     * look-up (an unknown one is that item's 422), the rest passed on to the
     * listing service's bulk intake in one request.
     */
    async createListings(
      inputs: readonly ListingCreate[],
      meta: BulkMeta,
    ): Promise<BulkItemOutcome<PublicWrittenListing>[]> {
      const users = await knownUsers(deps, [...new Set(inputs.map((i) => i.user_id))], meta);
      const known = inputs.filter((input) => users.has(input.user_id));
      const written = known.length > 0 ? await deps.listings.createListings(known, meta) : [];
      return listingOutcomes(inputs, users, written);
    },

    createUser(input: UserCreate, meta: WriteMeta): Promise<UpstreamWrite<User>> {
      return deps.users.createUser(input, meta);
    },

    /** Refuses an unknown user_id with 422 before anything is queued. */
    async createListing(
      input: ListingCreate,
      meta: WriteMeta,
    ): Promise<UpstreamWrite<PublicWrittenListing>> {
      const user = await requireUser(deps, input.user_id, meta);
      const write = await deps.listings.createListing(input, meta);
      // Seed 004's shape: the listing as stored, `user_id` included, its user beside it.
      return { ...write, resource: { ...write.resource, user } };
    },
  };
}

/** The public API's reads: a listing's user embedded, looked up in one request per page. */
function publicReads(deps: PublicServiceDeps) {
  return {
    /** One listing-service request and at most one user-service request, however long the page. */
    async listListings(page: ListingPageQuery, meta: CallMeta): Promise<PublicListing[]> {
      const listings = await deps.listings.listPage(page, meta);
      const userIds = [...new Set(listings.map((listing) => listing.user_id))];
      const users = new Map(
        (await deps.users.findUsers(userIds, meta)).map((user) => [user.id, user]),
      );
      return listings.map((listing) => embed(listing, users.get(listing.user_id) ?? null));
    },

    async getListing(id: number, meta: CallMeta): Promise<PublicListing> {
      const listing = await deps.listings.getListing(id, meta);
      if (!listing) throw new NotFoundError(`listing ${id} not found`);
      return embed(listing, await deps.users.getUser(listing.user_id, meta));
    },

    async getUser(id: number, meta: CallMeta): Promise<User> {
      const user = await deps.users.getUser(id, meta);
      if (!user) throw new NotFoundError(`user ${id} not found`);
      return user;
    },
  };
}

/** The public API (§2.3): users and listings, reached only through their services' HTTP APIs. */
export function createPublicService(deps: PublicServiceDeps) {
  return { ...publicWrites(deps), ...publicReads(deps) };
}

export type PublicService = ReturnType<typeof createPublicService>;
