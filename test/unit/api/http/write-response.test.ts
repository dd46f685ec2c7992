import { expect } from 'chai';
import { answerAcceptedWrite } from '../../../../api/http/write-response.js';
import { postContextWith } from '../../../support/koa-context.js';

describe('answerAcceptedWrite: the body spliced as text is the object’s JSON', () => {
  const write = { jobId: 'listings:42', persisted: false };

  it('answers the same bytes and Content-Type as { result: true, ...body, job_id }', async () => {
    const body = {
      listing: { id: 42, user_id: 1, listing_type: 'rent', price: 1500, note: 'é"\n' },
    };
    const ctx = postContextWith({});
    answerAcceptedWrite(ctx, write, '/listings/42', body);
    expect(ctx.status).to.equal(202);
    expect(ctx.body).to.equal(JSON.stringify({ result: true, ...body, job_id: write.jobId }));
    expect(ctx.response.get('Content-Type')).to.equal('application/json; charset=utf-8');
    expect(ctx.response.get('Location')).to.equal('/listings/42');
    expect(ctx.response.get('X-Job-Id')).to.equal('listings:42');
  });

  it('keeps the object where splicing could differ (its own result or job_id, or nothing)', () => {
    for (const body of [{ result: 'x', order: {} }, { job_id: 'mine' }, {}, { gone: undefined }]) {
      const ctx = postContextWith({});
      answerAcceptedWrite(ctx, write, '/x', body);
      expect(ctx.body).to.deep.equal({ result: true, ...body, job_id: write.jobId });
    }
  });
});
