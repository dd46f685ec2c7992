import mongoose, { type Connection } from 'mongoose';

export type { Connection as MongoConnection };

/**
 * Opens the document-store connection. Journaled, majority acknowledgement
 * is the connection default (see replica-models.ts); models and writes also
 * ask for it explicitly.
 * `monitorCommands` lets tests observe what goes over the wire.
 */
export async function openMongo(
  url: string,
  options: { monitorCommands?: boolean; poolSize?: number } = {},
): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    maxPoolSize: options.poolSize,
    writeConcern: { w: 'majority', journal: true, wtimeoutMS: 10_000 },
    serverSelectionTimeoutMS: 5000,
    monitorCommands: options.monitorCommands ?? false,
    autoIndex: false,
    autoCreate: false,
  });
  await connection.asPromise();
  return connection;
}

export async function pingMongo(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('mongo connection has no database');
  await db.command({ ping: 1 });
}
