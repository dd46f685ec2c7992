import { createClient } from '@spillway/client';
const spillway = createClient(); // npm start's ports; see `services` to point elsewhere
const listing = await spillway.listings.create({ user_id: 1, listing_type: 'rent', price: 6000 });
console.log(listing.id, listing.jobId); // e.g. 7 listings-7-v1
await spillway.close();
