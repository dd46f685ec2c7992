import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { addedService } from '../../config/index.js';
import type { RunningWorkers } from '../../workers/create-workers.js';
import { startBoatsService, type BoatsService } from '../support/boats-service.js';
import { boatsResource } from '../fixtures/boats/boats.resource.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { ndjson, lines } from '../support/ndjson.js';

/**
 * docs/architecture.md's recipe, run: a resource this build does not have
 * (boats) is one descriptor (test/fixtures/boats/boats.resource.ts) and one
 * migration. Its service, queue, persist worker, Mongo copy, cache collection
 * and OpenAPI operations are all made from that descriptor, and a write goes
 * the whole way: HTTP in, group commit to MySQL, replication to Mongo, cached read.
 */
describe('a resource added through the registry alone (boats: one descriptor and a migration)', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;
  let boats: BoatsService;
  let workers: RunningWorkers;
  let base: string;
  const batches: number[] = [];

  before(async () => {
    pipeline = await startPipeline({ workers: false });
    boats = await startBoatsService(pipeline, 'boats-test');
    base = boats.url;
    workers = boats.startWorkers({
      onBatch: (queue, size) => queue === boatsResource.queue && batches.push(size),
    });
  });
  after(async () => {
    await workers?.close();
    await boats?.close();
    await pipeline?.stop();
  });

  const storedRow = async (id: number) =>
    eventually(async () => {
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        'SELECT id, name, length_cm, created_at, updated_at FROM boats WHERE id = ?',
        [id],
      );
      return rows[0] ? { ...rows[0] } : undefined;
    });
  const storedDocument = async (id: number) =>
    eventually(async () => {
      const doc = await pipeline.connections.mongo
        .db!.collection<{ _id: number; version?: number; length_cm?: number }>('boats')
        .findOne({ _id: id });
      return doc ?? undefined;
    });

  it('POST /boats answers 202 with the boat, and the same boat lands in MySQL and in Mongo', async () => {
    const answer = await http('POST', `${base}/boats`, {
      json: { name: 'Nautilus', length_cm: 7000 },
    });
    expect(answer.status).to.equal(202);
    const boat = answer.body.boat;
    expect(boat).to.include({ name: 'Nautilus', length_cm: 7000 });
    expect(answer.headers.location).to.equal(`/boats/${boat.id}`);
    expect(await storedRow(boat.id)).to.deep.equal(boat);
    const doc = await storedDocument(boat.id);
    expect(doc).to.deep.include({
      name: 'Nautilus',
      length_cm: 7000,
      created_at: boat.created_at,
      version: 1,
    });
  });

  it('refuses a bad boat with a 400 naming each bad field', async () => {
    const answer = await http('POST', `${base}/boats`, { json: { name: '', length_cm: 'long' } });
    expect(answer.status).to.equal(400);
    expect(answer.body.errors.join(' ')).to.match(/name/);
    expect(answer.body.errors.join(' ')).to.match(/length_cm/);
  });

  it('Prefer: wait answers 201 once the boat is stored; GET reads it, then from the cache', async () => {
    const answer = await http('POST', `${base}/boats`, {
      json: { name: 'Kon-Tiki', length_cm: 1370 },
      headers: { Prefer: 'wait=10' },
    });
    expect(answer.status).to.equal(201);
    const boat = answer.body.boat;
    const first = await http('GET', `${base}/boats/${boat.id}`);
    expect(first.status).to.equal(200);
    expect(first.body.boat).to.deep.equal(boat);
    const again = await http('GET', `${base}/boats/${boat.id}`);
    expect(again.headers['x-cache']).to.equal('HIT');
    expect(again.body.boat).to.deep.equal(boat);
    expect((await http('GET', `${base}/boats/999999999`)).status).to.equal(404);
  });

  it('POST /boats/bulk: every valid item is stored once in both stores, group-committed', async () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      name: `bulk boat ${i}`,
      length_cm: i + 1,
    }));
    items[7] = { name: 'no length' } as (typeof items)[number];
    const answer = await http('POST', `${base}/boats/bulk`, {
      raw: ndjson(items),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(answer.status).to.equal(207);
    const out = lines(answer.text);
    expect(out.at(-1)).to.deep.equal({ result: true, accepted: 299, rejected: 1 });
    expect(out[7]).to.include({ index: 7, status: 400 });
    const ids = out
      .slice(0, -1)
      .filter((line) => line.status === 202)
      .map((line) => (line.boat as { id: number }).id);
    await eventually(async () => {
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM boats WHERE name LIKE 'bulk boat %'",
      );
      return Number(rows[0]!.n) === 299 ? true : undefined;
    });
    await eventually(async () =>
      (await pipeline.connections.mongo
        .db!.collection('boats')
        .countDocuments({ _id: { $in: ids as never[] } })) === 299
        ? true
        : undefined,
    );
    // Group commit: the boats' persist worker wrote them in batches, not one statement each.
    expect(Math.max(...batches)).to.be.greaterThan(1);
  });

  it('PATCH /boats/:id: sequential changes of one boat each answer the next version, and both stores end with every change', async () => {
    const created = await http('POST', `${base}/boats`, {
      json: { name: 'Fram', length_cm: 3900 },
    });
    expect(created.status).to.equal(202);
    const { id } = created.body.boat;
    // Sent at once after the 202, before the create has landed: each folds onto the one before.
    const renamed = await http('PATCH', `${base}/boats/${id}`, { json: { name: 'Fram II' } });
    const longer = await http('PATCH', `${base}/boats/${id}`, { json: { length_cm: 3950 } });
    const last = await http('PATCH', `${base}/boats/${id}`, {
      json: { name: 'Fram III' },
      headers: { Prefer: 'wait=10' },
    });
    expect([renamed.status, longer.status, last.status]).to.deep.equal([202, 202, 200]);
    expect(renamed.body.boat).to.include({ id, name: 'Fram II', length_cm: 3900 });
    expect(longer.body.boat).to.include({ id, name: 'Fram II', length_cm: 3950 });
    expect(last.body.boat).to.include({ id, name: 'Fram III', length_cm: 3950 });
    expect(last.body.boat.created_at).to.equal(created.body.boat.created_at);
    expect(last.headers['x-job-id']).to.equal(`boats-${id}-v4`);

    const read = await http('GET', `${base}/boats/${id}`);
    expect(read.body.boat).to.deep.equal(last.body.boat);
    expect(await storedRow(id)).to.deep.equal(last.body.boat);
    const [[row]] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT version FROM boats WHERE id = ?',
      [id],
    );
    expect(row!.version).to.equal(4);
    const doc = await eventually(async () => {
      const found = await storedDocument(id);
      return found.version === 4 ? found : undefined;
    });
    expect(doc).to.deep.include({ name: 'Fram III', length_cm: 3950, deleted: false });
  });

  it('PATCH: concurrent changes of one boat get versions 2..n in the order accepted, none lost', async () => {
    const created = await http('POST', `${base}/boats`, {
      json: { name: 'Ra', length_cm: 1500 },
      headers: { Prefer: 'wait=10' },
    });
    const { id } = created.body.boat;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        http('PATCH', `${base}/boats/${id}`, { json: { length_cm: 2000 + i } }),
      ),
    );
    expect(answers.map((a) => a.status)).to.satisfy((s: number[]) => s.every((x) => x === 202));
    const versions = answers.map((a) => Number(String(a.headers['x-job-id']).split('-v')[1]));
    expect([...versions].sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: 12 }, (_, i) => i + 2),
    );
    // The last version accepted is the one both stores end with.
    const newest = answers[versions.indexOf(13)]!.body.boat;
    await eventually(async () => {
      const stored = await storedRow(id);
      return stored.length_cm === newest.length_cm ? true : undefined;
    });
    const doc = await eventually(async () => {
      const found = await storedDocument(id);
      return found.version === 13 ? found : undefined;
    });
    expect(doc.length_cm).to.equal(newest.length_cm);
  });

  it('PATCH refuses what it cannot apply: 404 for an unknown boat, 400 naming a bad field, 412 for a stale If-Match', async () => {
    const unknown = await http('PATCH', `${base}/boats/999999999`, { json: { name: 'Ghost' } });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.errors).to.deep.equal(['boat 999999999 not found']);
    const created = await http('POST', `${base}/boats`, {
      json: { name: 'Endurance', length_cm: 4400 },
      headers: { Prefer: 'wait=10' },
    });
    const { id } = created.body.boat;
    const bad = await http('PATCH', `${base}/boats/${id}`, { json: { length_cm: -1 } });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors.join(' ')).to.match(/length_cm/);
    const empty = await http('PATCH', `${base}/boats/${id}`, { json: {} });
    expect(empty.status).to.equal(400);
    const stale = await http('PATCH', `${base}/boats/${id}`, {
      json: { name: 'Endurance II' },
      headers: { 'If-Match': '"7"' },
    });
    expect(stale.status).to.equal(412);
    const current = await http('PATCH', `${base}/boats/${id}`, {
      json: { name: 'Endurance II' },
      headers: { 'If-Match': '"1"', Prefer: 'wait=10' },
    });
    expect(current.status).to.equal(200);
    expect((await storedRow(id)).name).to.equal('Endurance II');
  });

  it('DELETE /boats/:id: answered with the boat as it was, then 404 to GET, PATCH and DELETE; a tombstone in both stores', async () => {
    const created = await http('POST', `${base}/boats`, {
      json: { name: 'Vasa', length_cm: 6900 },
    });
    const { id } = created.body.boat;
    // Right after the 202, before the create landed: the change and the delete fold onto it in order.
    const renamed = await http('PATCH', `${base}/boats/${id}`, { json: { name: 'Vasa II' } });
    const gone = await http('DELETE', `${base}/boats/${id}`, { headers: { Prefer: 'wait=10' } });
    expect([renamed.status, gone.status]).to.deep.equal([202, 200]);
    expect(gone.body.boat).to.deep.equal(renamed.body.boat);
    expect(gone.headers['x-job-id']).to.equal(`boats-${id}-v3`);

    for (const [method, body] of [['GET'], ['PATCH', { name: 'Vasa III' }], ['DELETE']] as const) {
      const answer = await http(method, `${base}/boats/${id}`, body ? { json: body } : {});
      expect(answer.status, method).to.equal(404);
    }
    const [[row]] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT name, version, deleted FROM boats WHERE id = ?',
      [id],
    );
    expect({ ...row }).to.deep.equal({ name: 'Vasa II', version: 3, deleted: 1 });
    const doc = await eventually(async () => {
      const found = await storedDocument(id);
      return found.version === 3 ? found : undefined;
    });
    expect(doc).to.deep.include({ name: 'Vasa II', deleted: true });
  });

  it('documents its operations in its OpenAPI document, made from the same schemas', () => {
    const document = boats.apps.documents.get(addedService('boats')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths)).to.include.members([
      '/boats',
      '/boats/{id}',
      '/boats/bulk',
    ]);
    expect(document.paths['/boats']).to.have.property('post');
    expect(document.paths['/boats/{id}']).to.have.property('get');
    expect(document.paths['/boats/{id}']).to.have.property('patch');
    expect(document.paths['/boats/{id}']).to.have.property('delete');
    expect(JSON.stringify(document)).to.contain('length_cm');
  });
});
