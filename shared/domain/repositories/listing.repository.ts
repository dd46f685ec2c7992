import type { Listing } from '../schemas/listing.schema.js';
import type { ListingPageQuery } from '../schemas/query.schema.js';
import { CreatedResourceRepository } from './created-resource.repository.js';
import { NEWEST_FIRST } from './page-window.js';

/** The `listings` table: the created-resource reads and writes, plus its page. */
export class ListingRepository extends CreatedResourceRepository<Listing> {
  /** Newest first (ties by id, newest first), optionally one user's listings only. */
  listPage(page: ListingPageQuery): Promise<Listing[]> {
    const byUser =
      page.user_id === undefined ? undefined : { condition: 'user_id = ?', params: [page.user_id] };
    return this.page(page, NEWEST_FIRST, byUser);
  }
}
