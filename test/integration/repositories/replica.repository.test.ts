import { expect } from 'chai';
import type { CommandStartedEvent } from 'mongodb';
import {
  openMongo,
  type MongoConnection,
} from '../../../shared/infra/databases/mongo-connection.js';
import { ReplicaRepository } from '../../../shared/domain/repositories/replica.repository.js';
import { CREATED_RESOURCES } from '../../../shared/domain/resources/registry.js';
import { testConfig } from '../../support/test-config.js';

describe('ReplicaRepository on FerretDB (Mongo copies of users and listings)', () => {
  let connection: MongoConnection;
  let replicas: ReplicaRepository;
  const writes: CommandStartedEvent[] = [];

  before(async () => {
    connection = await openMongo(testConfig().mongo.url, { monitorCommands: true });
    connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      if (['update', 'insert', 'delete'].includes(event.commandName)) writes.push(event);
      // (insert carries the creations, update the other changes and every fallback)
    });
    replicas = new ReplicaRepository(connection, CREATED_RESOURCES);
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

  it('sends every write with writeConcern w: majority, j: true, wtimeout 10 s (seen on the wire)', async () => {
    await replicas.applyChanges('users', [user(1, 'a', 1), user(2, 'b', 1)]); // insert
    await replicas.applyChanges('users', [user(1, 'a', 2)]); // update
    expect(writes.map((event) => event.commandName)).to.include.members(['insert', 'update']);
    for (const event of writes) {
      expect(event.command.writeConcern, event.commandName).to.deep.include({
        w: 'majority',
        j: true,
      });
    }
  });

  it('writes many changes in one bulk command', async () => {
    await replicas.applyChanges('users', [user(1, 'a', 1), user(2, 'b', 1), user(3, 'c', 1)]);
    expect(writes).to.have.length(1);
    expect(await connection.db!.collection('users').countDocuments()).to.equal(3);
  });

  it('writes many creations in one insert command', async () => {
    const created = [1, 2, 3].map((id) => user(id, `n${id}`, 1));
    await replicas.applyChanges('users', created);
    expect(writes.map((event) => event.commandName)).to.deep.equal(['insert']);
    expect(await connection.db!.collection('users').countDocuments()).to.equal(3);
  });

  it('treats a replayed creation as stale: the newer stored document stays', async () => {
    await replicas.applyChanges('users', [user(1, 'updated', 2)]);
    await replicas.applyChanges('users', [user(1, 'created', 1), user(2, 'b', 1)]);
    expect(await replicas.findById('users', 1)).to.include({ name: 'updated', version: 2 });
    expect(await replicas.findById('users', 2)).to.include({ name: 'b', version: 1 });
  });

  it('stores every new document of a batch whose first document already exists', async () => {
    // FerretDB stops an unordered insert at its first error; the driver still
    // reports the later documents as inserted. None of them may be lost.
    await replicas.applyChanges('users', [user(1, 'a', 1)]);
    await replicas.applyChanges('users', [user(1, 'a', 1), user(2, 'b', 1), user(3, 'c', 1)]);
    expect(await connection.db!.collection('users').countDocuments()).to.equal(3);
    expect(await replicas.findById('users', 3)).to.include({ name: 'c', version: 1 });
  });

  it('never lets a stale event overwrite a newer document', async () => {
    await replicas.applyChanges('users', [user(1, 'newest', 3)]);
    const result = await replicas.applyChanges('users', [user(1, 'older', 2), user(2, 'fresh', 1)]);
    // The counts are advisory after a fallback (a document the batch's own insert
    // wrote counts as stale on the re-apply); the stored documents are what matters.
    expect(result.written + result.stale).to.equal(2);
    expect(result.stale).to.be.at.least(1);
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

  it('moves a copy one version at a time: a change two ahead waits (behind), changing nothing, until the one between lands', async () => {
    await replicas.applyChanges('users', [user(7, 'v1', 1)]);
    await replicas.applyChanges('users', [user(7, 'v1', 1)]); // the copy exists: later changes update it
    const ahead = user(7, 'v3', 3);
    const early = await replicas.applyChanges('users', [ahead]);
    expect([...early.behind]).to.deep.equal([ahead]);
    expect(await replicas.findById('users', 7)).to.include({ name: 'v1', version: 1 });
    await replicas.applyChanges('users', [user(7, 'v2', 2)]);
    const late = await replicas.applyChanges('users', [ahead]);
    expect(late.behind.size).to.equal(0);
    expect(await replicas.findById('users', 7)).to.include({ name: 'v3', version: 3 });
  });

  it('writes a change that waited long enough over any lower version (jumpAhead): the copy still ends equal to the row', async () => {
    await replicas.applyChanges('users', [user(8, 'v1', 1)]);
    await replicas.applyChanges('users', [user(8, 'v1', 1)]);
    const result = await replicas.applyChanges('users', [user(8, 'v4', 4)], { jumpAhead: true });
    expect(result.behind.size).to.equal(0);
    expect(await replicas.findById('users', 8)).to.include({ name: 'v4', version: 4 });
    // A late change in between is stale, not written back.
    await replicas.applyChanges('users', [user(8, 'v2', 2)]);
    expect(await replicas.findById('users', 8)).to.include({ name: 'v4', version: 4 });
  });

  it('keeps the newest of several versions of one key in a batch', async () => {
    await replicas.applyChanges('users', [user(9, 'v3', 3), user(9, 'v1', 1), user(9, 'v2', 2)]);
    expect(await replicas.findById('users', 9)).to.include({ name: 'v3', version: 3 });
  });
});

describe('ReplicaRepository with string (uuid) keys: customers', () => {
  let connection: MongoConnection;
  let replicas: ReplicaRepository;
  const uuid = '0b5c7c2e-4a59-4f3e-8d7e-1c2b3a4d5e6f';

  before(async () => {
    connection = await openMongo(testConfig().mongo.url);
    replicas = new ReplicaRepository(connection, CREATED_RESOURCES);
  });
  beforeEach(() => connection.db!.collection('customers').deleteMany({}));
  after(() => connection.close());

  const change = (version: number, address: string, deleted = false) => ({
    key: uuid,
    version,
    after: { uuid, username: 'u', address, income: '0.10', deleted, version },
  });

  it('keys the document by the uuid, keeps income a string and marks a soft delete', async () => {
    await replicas.applyChanges('customers', [change(1, 'a')]);
    expect(await replicas.findById('customers', uuid)).to.deep.include({
      _id: uuid,
      income: '0.10',
      deleted: false,
      version: 1,
    });
    await replicas.applyChanges('customers', [change(2, 'a', true)]);
    expect(await replicas.findById('customers', uuid)).to.include({ deleted: true, version: 2 });
    expect(await replicas.findById('customers', uuid)).to.not.have.property('uuid');
  });

  it('skips an older change of a customer', async () => {
    await replicas.applyChanges('customers', [change(3, 'newest')]);
    const result = await replicas.applyChanges('customers', [change(2, 'older')]);
    expect(result).to.deep.include({ written: 0, stale: 1 });
    expect(result.behind.size).to.equal(0);
    expect(await replicas.findById('customers', uuid)).to.include({ address: 'newest' });
  });
});
