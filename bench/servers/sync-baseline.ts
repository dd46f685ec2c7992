/**
 * The synchronous baseline: what a service without a queue does. The same
 * validation as POST /listings, then one INSERT into MySQL and one journaled
 * insert into Mongo inside the request, then 201.
 *
 * This is benchmark code, not production code: it imports mysql2 and mongoose
 * directly (production code reaches the stores only through shared/domain/repositories)
 * and writes its own tables so it never disturbs Spillway's.
 * Usage: sync-baseline.ts PORT (MYSQL_URL, MONGO_URL from the environment).
 */
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import mysql from 'mysql2/promise';
import mongoose from 'mongoose';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import {
  listingCreateSchema,
  type ListingCreate,
} from '../../shared/domain/schemas/listing.schema.js';
import { ValidationError } from '../../shared/domain/errors/index.js';

const port = Number(process.argv[2] ?? 0);
const validate = compileValidator<ListingCreate>(listingCreateSchema);
// Same pool size as Spillway's default MYSQL_POOL_SIZE.
const pool = mysql.createPool({ uri: process.env.MYSQL_URL, connectionLimit: 20 });
await pool.query(`CREATE TABLE IF NOT EXISTS bench_sync_listings (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  listing_type VARCHAR(8) NOT NULL,
  price BIGINT UNSIGNED NOT NULL,
  created_at BIGINT UNSIGNED NOT NULL,
  updated_at BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB`);
await pool.query('TRUNCATE TABLE bench_sync_listings');
const mongo = await mongoose.createConnection(process.env.MONGO_URL ?? '').asPromise();
const collection = mongo.db!.collection('bench_sync_listings');
await collection.deleteMany({});

const app = new Koa();
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    ctx.status = error instanceof ValidationError ? 400 : 500;
    ctx.body = { result: false, error: error instanceof Error ? error.message : String(error) };
  }
});
app.use(bodyParser({ enableTypes: ['json', 'form'] }));
app.use(async (ctx) => {
  const input = validate(ctx.request.body, 'json');
  const now = Date.now() * 1000;
  const row = { ...input, created_at: now, updated_at: now };
  const [result] = await pool.query(
    'INSERT INTO bench_sync_listings (user_id, listing_type, price, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    [row.user_id, row.listing_type, row.price, row.created_at, row.updated_at],
  );
  const id = (result as { insertId: number }).insertId;
  await collection.insertOne({ _id: id as never, ...row }, { writeConcern: { w: 1, j: true } });
  ctx.status = 201;
  ctx.body = { result: true, listing: { id, ...row } };
});
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});
process.on('SIGTERM', () => {
  server.close(() => {
    void Promise.allSettled([pool.end(), mongo.close()]).then(() => process.exit(0));
  });
});
