import { expect } from 'chai';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

// The legacy client's own fixture: it posts this, PUTs it back with `_id`, then GETs it.
const orderData = { vehicle_manufacturer: 'vauxhal', model: 'vectra', total_price: 5456 };
const UNKNOWN_ID = 'bbbbbbbbbbbbbbbbbbbbbbbb';

describe('order service legacy contract /api/vehicle/order (spec §2.5)', () => {
  let pipeline: Pipeline;
  let legacy: string;

  before(async () => {
    pipeline = await startPipeline({ config: { ORDER_LEGACY_WAIT_SECONDS: '2' } });
    legacy = `${pipeline.urls.orders}/api/vehicle/order`;
  });
  after(() => pipeline.stop());

  /** What the legacy client does with the POST answer: strip quotes and newlines. */
  const idFromBody = (text: string) => text.replace(/["\n]/g, '');

  describe('POST /api/vehicle/order/', () => {
    it('answers 201 with the id as a JSON string, and a GET right after finds the order', async () => {
      const created = await http('POST', `${legacy}/`, { json: orderData });
      expect(created.status).to.equal(201);
      expect(created.headers['content-type']).to.include('application/json');
      const id = created.body as string;
      expect(id).to.match(/^[0-9a-f]{24}$/);
      expect(idFromBody(created.text)).to.equal(id);
      expect(created.headers.location).to.equal(`/api/vehicle/order/${id}`);
      expect(created.headers['preference-applied']).to.equal('wait');

      const read = await http('GET', `${legacy}/${id}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.include({ _id: id, id, ...orderData, status: 'new' });
      expect(read.body.created_at).to.be.a('number');
      expect(read.body.updated_at).to.equal(read.body.created_at);
    });

    it('accepts the path without its trailing slash too', async () => {
      const created = await http('POST', legacy, { json: orderData });
      expect(created.status).to.equal(201);
      expect((await http('GET', `${legacy}/${created.body}`)).status).to.equal(200);
    });

    it('refuses incomplete or wrong params with 400 naming each field', async () => {
      const answer = await http('POST', `${legacy}/`, {
        json: { model: 'some_model', price: 100 },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.include({
        result: false,
        errors: [
          'vehicle_manufacturer is required',
          'total_price is required',
          'unknown field price',
        ],
      });
    });

    it('still answers 201 (the write is queued) when it cannot be persisted within the wait', async () => {
      await pipeline.stopWorkers();
      try {
        const started = Date.now();
        const created = await http('POST', `${legacy}/`, { json: orderData });
        expect(created.status).to.equal(201);
        expect(Date.now() - started).to.be.within(1900, 5000);
        expect(created.headers['preference-applied']).to.equal(undefined);
        expect((await http('GET', `${legacy}/${created.body}`)).status).to.equal(404);
      } finally {
        pipeline.startWorkers();
      }
    });
  });

  describe('GET /api/vehicle/order/{id}', () => {
    it('answers an unknown id with 404 and a malformed one with 400', async () => {
      const missing = await http('GET', `${legacy}/${UNKNOWN_ID}`);
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.include({
        result: false,
        errors: [`order ${UNKNOWN_ID} not found`],
      });
      const malformed = await http('GET', `${legacy}/not-an-id`);
      expect(malformed.status).to.equal(400);
      expect(malformed.body.errors).to.deep.equal(['invalid id']);
    });
  });

  describe('PUT /api/vehicle/order/{id}', () => {
    it('answers 204 with no body after replacing the fields; a GET right after shows them', async () => {
      const id = (await http('POST', `${legacy}/`, { json: orderData })).body as string;
      const put = await http('PUT', `${legacy}/${id}`, {
        json: { ...orderData, _id: id, model: 'astra', total_price: 7000.5 },
      });
      expect(put.status).to.equal(204);
      expect(put.text).to.equal('');
      expect(put.headers['x-job-id']).to.be.a('string').and.not.be.empty;
      const read = await http('GET', `${legacy}/${id}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.include({ _id: id, model: 'astra', total_price: 7000.5 });
      expect(read.body.updated_at).to.be.greaterThan(read.body.created_at);
    });

    it('keeps the status when the body has none, and sets it when it has one', async () => {
      const id = (await http('POST', `${legacy}/`, { json: { ...orderData, status: 'confirmed' } }))
        .body as string;
      await http('PUT', `${legacy}/${id}`, { json: orderData });
      expect((await http('GET', `${legacy}/${id}`)).body.status).to.equal('confirmed');
      await http('PUT', `${legacy}/${id}`, { json: { ...orderData, status: 'delivered' } });
      expect((await http('GET', `${legacy}/${id}`)).body.status).to.equal('delivered');
    });

    it('refuses a body whose _id names another order, or that lacks a field, with 400', async () => {
      const id = (await http('POST', `${legacy}/`, { json: orderData })).body as string;
      const other = await http('PUT', `${legacy}/${id}`, {
        json: { ...orderData, _id: UNKNOWN_ID },
      });
      expect(other.status).to.equal(400);
      expect(other.body.errors).to.deep.equal(['_id does not match the order id in the path']);
      const partial = await http('PUT', `${legacy}/${id}`, { json: { model: 'x' } });
      expect(partial.status).to.equal(400);
      expect(partial.body.errors).to.deep.equal([
        'vehicle_manufacturer is required',
        'total_price is required',
      ]);
    });

    it('answers an unknown id with 404', async () => {
      const answer = await http('PUT', `${legacy}/${UNKNOWN_ID}`, { json: orderData });
      expect(answer.status).to.equal(404);
      expect(answer.body.errors).to.deep.equal([`order ${UNKNOWN_ID} not found`]);
    });
  });

  it('shares its orders with the REST routes', async () => {
    const id = (await http('POST', `${legacy}/`, { json: orderData })).body as string;
    const rest = await http('GET', `${pipeline.urls.orders}/orders/${id}`);
    expect(rest.status).to.equal(200);
    expect(rest.body.order).to.include({ id, ...orderData });
  });
});
