import { expect } from 'chai';
import type { CommandStartedEvent } from 'mongodb';
import {
  openMongo,
  type MongoConnection,
} from '../../../shared/repositories/mongo-connection.repository.js';
import { ReplicaRepository } from '../../../shared/repositories/replica.repository.js';
import { testConfig } from '../../support/test-config.js';

describe('ReplicaRepository on FerretDB (Mongo copies of users and listings)', () => {
  let connection: MongoConnection;
  let replicas: ReplicaRepository;
  const writes: CommandStartedEvent[] = [];

  before(async () => {
    connection = await openMongo(testConfig().mongo.url, { monitorCommands: true });
    connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      if (['update', 'insert', 'delete'].includes(event.commandName)) writes.push(event);
    });
    replicas = new ReplicaRepository(connection);
  });
  beforeEach(async () => {
    await connection.db!.collection('users').deleteMany({});
    writes.length = 0;
  });
  after(() => connection.close());

  const user = (id: number, name: string, version: number) => ({
    key: id,
    version,
    after: { id, name, created_at: 1, updated_at: version },
  });

  it('sends every write with writeConcern j: true (seen on the wire)', async () => {
    await replicas.applyChanges('users', [user(1, 'a', 1), user(2, 'b', 1)]); // insert
    await replicas.applyChanges('users', [user(1, 'a', 2)]); // update
    expect(writes.map((event) => event.commandName)).to.include.members(['insert', 'update']);
    for (const event of writes) {
      expect(event.command.writeConcern, event.commandName).to.deep.include({ j: true });
    }
  });

  it('writes many changes in one bulk command', async () => {
    await replicas.applyChanges('users', [user(1, 'a', 1), user(2, 'b', 1), user(3, 'c', 1)]);
    expect(writes).to.have.length(1);
    expect(await connection.db!.collection('users').countDocuments()).to.equal(3);
  });

  it('never lets a stale event overwrite a newer document', async () => {
    await replicas.applyChanges('users', [user(1, 'newest', 3)]);
    const result = await replicas.applyChanges('users', [user(1, 'older', 2), user(2, 'fresh', 1)]);
    expect(result).to.deep.equal({ written: 1, stale: 1 });
    expect(await replicas.findById('users', 1)).to.include({ name: 'newest', version: 3 });
    expect(await replicas.findById('users', 2)).to.include({ name: 'fresh', version: 1 });
  });

  it('applies a newer version over an older one', async () => {
    await replicas.applyChanges('users', [user(1, 'v1', 1)]);
    await replicas.applyChanges('users', [user(1, 'v2', 2)]);
    expect(await replicas.findById('users', 1)).to.include({ name: 'v2', version: 2 });
  });

  it('keeps one document when the same event is applied twice', async () => {
    await replicas.applyChanges('users', [user(5, 'same', 1)]);
    await replicas.applyChanges('users', [user(5, 'same', 1)]);
    expect(
      await connection.db!.collection<{ _id: number }>('users').countDocuments({ _id: 5 }),
    ).to.equal(1);
  });

  it('keeps the newest of several versions of one key in a batch', async () => {
    await replicas.applyChanges('users', [user(9, 'v3', 3), user(9, 'v1', 1), user(9, 'v2', 2)]);
    expect(await replicas.findById('users', 9)).to.include({ name: 'v3', version: 3 });
  });
});
