import { usernameKey } from '../../shared/domain/customers/username-key.js';
import type { UsernameReservations } from '../../shared/domain/customers/username-reservations.js';
import { ConflictError } from '../../shared/domain/errors/index.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { CustomerRepository } from '../../shared/domain/repositories/customer.repository.js';
import type { Customer } from '../../shared/domain/schemas/customer.schema.js';

/** What claiming a username needs: the Redis reservations, MySQL's committed names, a logger. */
export interface UsernameClaimDeps {
  readonly customers: CustomerRepository;
  readonly reservations: UsernameReservations;
  readonly logger: Logger;
}

/** A reservation that was taken (its SET NX answered true). */
function isHeld(result: PromiseSettledResult<boolean> | undefined): boolean {
  return result?.status === 'fulfilled' && result.value;
}

/** The uuids holding these customers' usernames in MySQL (one query); none if MySQL is down. */
async function committedHolders(
  deps: UsernameClaimDeps,
  customers: readonly Customer[],
): Promise<Map<string, string>> {
  try {
    return await deps.customers.uuidsHoldingUsernames([
      ...new Set(customers.map((c) => usernameKey(c.username))),
    ]);
  } catch (error) {
    deps.logger.warn({ err: (error as Error).message }, 'username check in MySQL skipped');
    return new Map<string, string>();
  }
}

/**
 * Username claims (§2.4): a name is reserved in Redis (atomic, so two
 * concurrent claims cannot both win), then MySQL is asked whether a committed
 * customer already has it (a row written before reservations existed). MySQL
 * being down does not stop the write: its UNIQUE index still guards the commit.
 */
export function usernameClaims(deps: UsernameClaimDeps) {
  const taken = (username: string) => new ConflictError(`username ${username} is already taken`);

  /** Claims `username` for `uuid`; a 409 if another customer holds it. */
  async function claim(username: string, uuid: string): Promise<void> {
    if (!(await deps.reservations.reserve(username, uuid))) throw taken(username);
    let holder: string | null = null;
    try {
      holder = await deps.customers.uuidHoldingUsername(usernameKey(username));
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'username check in MySQL skipped');
    }
    if (holder !== null && holder !== uuid) {
      await deps.reservations.release(username, uuid);
      throw taken(username);
    }
  }

  /** Gives back these customers' usernames; a release that fails is logged (the write path goes on). */
  async function releaseAll(customers: readonly Customer[]): Promise<void> {
    const results = await Promise.allSettled(
      customers.map((c) => deps.reservations.release(c.username, c.uuid)),
    );
    const failures = results.filter((r) => r.status === 'rejected').length;
    if (failures > 0) deps.logger.warn({ failures }, 'username reservations not released');
  }

  /**
   * Claims each username of a chunk (in input order, so the first of two equal
   * names wins) and checks the committed ones in one MySQL query. True where
   * the customer now holds its name.
   */
  async function claimAll(customers: readonly Customer[]): Promise<boolean[]> {
    const settled = await Promise.allSettled(
      customers.map((c) => deps.reservations.reserve(c.username, c.uuid)),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      // Nothing of the chunk is enqueued: the names it did get are given back.
      await releaseAll(customers.filter((_, i) => isHeld(settled[i])));
      throw failed.reason;
    }
    const reserved = settled.map(isHeld);
    const holders = await committedHolders(deps, customers);
    return Promise.all(
      customers.map(async (customer, i) => {
        if (!reserved[i]) return false;
        const holder = holders.get(usernameKey(customer.username));
        if (holder === undefined || holder === customer.uuid) return true;
        await releaseAll([customer]);
        return false;
      }),
    );
  }

  const release = (username: string, uuid: string) => deps.reservations.release(username, uuid);
  return { claim, claimAll, release, releaseAll };
}

export type UsernameClaims = ReturnType<typeof usernameClaims>;
