import { NotFoundError, UnprocessableError } from '../../shared/errors/index.js';
import type { Listing, ListingCreate } from '../../shared/schemas/listing.schema.js';
import type { ListingPageQuery } from '../../shared/schemas/query.schema.js';
import type { User, UserCreate } from '../../shared/schemas/user.schema.js';
import type { ListingsClient } from './clients/listings.client.js';
import type { CallMeta } from './clients/upstream-client.js';
import type { UpstreamWrite, WriteMeta } from './clients/upstream-write.js';
import type { UsersClient } from './clients/users.client.js';

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

/** The public API (§2.3): users and listings, reached only through their services' HTTP APIs. */
export function createPublicService(deps: PublicServiceDeps) {
  /**
   * The user, re-checked with backoff for up to `userCheckWaitMs`: a user
   * created a moment ago may still be queued, and its service answers 404
   * until it is persisted.
   */
  async function requireUser(userId: number, meta: CallMeta): Promise<User> {
    const deadline = Date.now() + deps.userCheckWaitMs;
    for (let pause = FIRST_RECHECK_MS; ; pause *= 2) {
      const user = await deps.users.getUser(userId, meta);
      if (user) return user;
      const left = deadline - Date.now();
      if (left <= 0) throw new UnprocessableError(`user_id ${userId} does not exist`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    }
  }

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

    createUser(input: UserCreate, meta: WriteMeta): Promise<UpstreamWrite<User>> {
      return deps.users.createUser(input, meta);
    },

    /** Refuses an unknown user_id with 422 before anything is queued. */
    async createListing(
      input: ListingCreate,
      meta: WriteMeta,
    ): Promise<UpstreamWrite<PublicListing>> {
      const user = await requireUser(input.user_id, meta);
      const write = await deps.listings.createListing(input, meta);
      return { ...write, resource: embed(write.resource, user) };
    },
  };
}

export type PublicService = ReturnType<typeof createPublicService>;
