import { request } from 'undici';
import { loadConfigOrExit } from '../config/index.js';

/**
 * Demo data for `npm start`: a few users and listings, posted through the
 * public write path (so they are queued, persisted and replicated like any
 * other write). Skipped when users already exist.
 */
const config = loadConfigOrExit();
const users = `http://${config.services.users.host}:${config.services.users.port}`;
const listings = `http://${config.services.listings.host}:${config.services.listings.port}`;

async function post(url: string, body: unknown): Promise<Record<string, { id: number }>> {
  const answer = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait=10' },
    body: JSON.stringify(body),
  });
  return (await answer.body.json()) as Record<string, { id: number }>;
}

const existing = (await (await request(`${users}/users?page_size=1`)).body.json()) as {
  users: unknown[];
};
if (existing.users.length > 0) {
  process.stdout.write('demo data: users already exist, nothing seeded\n');
} else {
  const names = ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra'];
  let count = 0;
  for (const [i, name] of names.entries()) {
    const { user } = await post(`${users}/users`, { name });
    for (const [j, listingType] of (['rent', 'sale'] as const).entries()) {
      await post(`${listings}/listings`, {
        user_id: user!.id,
        listing_type: listingType,
        price: (i + 1) * (listingType === 'rent' ? 1_500 : 250_000) + j,
      });
      count += 1;
    }
  }
  process.stdout.write(`demo data: ${names.length} users and ${count} listings seeded\n`);
}
