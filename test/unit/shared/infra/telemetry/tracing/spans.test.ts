import { expect } from 'chai';
import { ROOT_CONTEXT, context, propagation, trace, type Context } from '@opentelemetry/api';
import {
  activeTraceContext,
  inBatchSpan,
  inChildSpan,
  jobTraceMetadata,
  spanUntil,
} from '../../../../../../shared/infra/telemetry/tracing/spans.js';
import { recordSpans } from '../../../../../support/recorded-spans.js';

describe('tracing spans of batched work (shared/infra/telemetry/tracing/spans.ts)', () => {
  describe('with no SDK registered (tracing off)', () => {
    it('runs the work and makes no span, and a job carries no trace metadata', async () => {
      const ctx = activeTraceContext();
      expect(trace.getSpan(ctx)).to.equal(undefined);
      expect(await inBatchSpan('commit users', [ctx, ctx], {}, async () => 42)).to.equal(42);
      expect(await inChildSpan('cache invalidate', {}, async () => 'done')).to.equal('done');
      expect(spanUntil('enqueue', {}, Promise.resolve())).to.equal(ctx);
      expect(jobTraceMetadata(ctx)).to.equal(undefined);
    });
  });

  describe('with a tracer provider', () => {
    let recorder: ReturnType<typeof recordSpans>;
    const tracer = () => trace.getTracer('test');
    /** The context of a started (recording) span, as a request's would be. */
    const requestContext = (name: string): Context =>
      trace.setSpan(ROOT_CONTEXT, tracer().startSpan(name));

    beforeEach(() => {
      recorder = recordSpans();
    });
    afterEach(() => recorder.stop());

    it('makes one batch span, a child of the first item and linked to every item', async () => {
      const items = [requestContext('request 1'), requestContext('request 2'), ROOT_CONTEXT];
      let insideSpan: string | undefined;
      await inBatchSpan('commit users', items, { 'db.table': 'users' }, async () => {
        insideSpan = trace.getActiveSpan()?.spanContext().spanId;
      });
      const [batch] = recorder.exporter.getFinishedSpans();
      const first = trace.getSpan(items[0]!)!.spanContext();
      const second = trace.getSpan(items[1]!)!.spanContext();
      expect(batch?.name).to.equal('commit users');
      expect(batch?.spanContext().traceId).to.equal(first.traceId);
      expect(batch?.parentSpanContext?.spanId).to.equal(first.spanId);
      expect(batch?.links.map((l) => l.context.spanId)).to.deep.equal([
        first.spanId,
        second.spanId,
      ]);
      // The untraced item counts in the size but has nothing to link to.
      expect(batch?.attributes['spillway.batch.size']).to.equal(3);
      expect(batch?.attributes['db.table']).to.equal('users');
      // The work runs inside the batch span, so its statements are its children.
      expect(insideSpan).to.equal(batch?.spanContext().spanId);
    });

    it("names the batch on every item's span, so a write not first in its batch finds it", async () => {
      const items = [requestContext('request 1'), requestContext('request 2')];
      await inBatchSpan('commit users', items, {}, async () => {});
      for (const item of items) trace.getSpan(item)!.end();
      const spans = recorder.exporter.getFinishedSpans();
      const batch = spans.find((s) => s.name === 'commit users')!.spanContext();
      for (const request of spans.filter((s) => s.name.startsWith('request'))) {
        expect(request.events.map((e) => [e.name, e.attributes])).to.deep.equal([
          [
            'in commit users',
            { 'spillway.batch.trace_id': batch.traceId, 'spillway.batch.span_id': batch.spanId },
          ],
        ]);
      }
    });

    it('records a failed batch on its span and rethrows', async () => {
      const failing = inBatchSpan('commit users', [requestContext('r')], {}, async () => {
        throw new Error('deadlock');
      });
      const error = await failing.catch((e: Error) => e);
      expect((error as Error).message).to.equal('deadlock');
      const [batch] = recorder.exporter.getFinishedSpans();
      expect(batch?.status.code).to.equal(2);
      expect(batch?.events.map((e) => e.name)).to.include('exception');
    });

    it('ends a span started for work that finishes elsewhere when it settles', async () => {
      let finish!: () => void;
      const done = new Promise<void>((resolve) => (finish = resolve));
      const parent = requestContext('request');
      const ctx = context.with(parent, () => spanUntil('enqueue persist-users', {}, done));
      expect(recorder.exporter.getFinishedSpans()).to.have.length(0);
      finish();
      await done;
      await new Promise((resolve) => setImmediate(resolve));
      const [enqueue] = recorder.exporter.getFinishedSpans();
      expect(enqueue?.name).to.equal('enqueue persist-users');
      expect(trace.getSpan(ctx)?.spanContext().spanId).to.equal(enqueue?.spanContext().spanId);
      expect(enqueue?.parentSpanContext?.spanId).to.equal(
        trace.getSpan(parent)?.spanContext().spanId,
      );
    });

    it('carries a traced context in a job as W3C traceparent, as BullMQ telemetry reads it', () => {
      const ctx = requestContext('request');
      const { traceId, spanId } = trace.getSpan(ctx)!.spanContext();
      const metadata = JSON.parse(jobTraceMetadata(ctx)!) as Record<string, string>;
      expect(metadata.traceparent).to.equal(`00-${traceId}-${spanId}-01`);
    });

    it("leaves a caller's baggage out of the job (it would be stored in Redis)", () => {
      const baggage = propagation.createBaggage({ 'user.email': { value: 'a@example.com' } });
      const ctx = propagation.setBaggage(requestContext('request'), baggage);
      const metadata = JSON.parse(jobTraceMetadata(ctx)!) as Record<string, string>;
      expect(Object.keys(metadata)).to.deep.equal(['traceparent']);
    });

    it('carries an unsampled request on to its job, so the job follows its decision', () => {
      const unsampled = trace.setSpan(
        ROOT_CONTEXT,
        trace.wrapSpanContext({
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceFlags: 0,
        }),
      );
      const metadata = JSON.parse(jobTraceMetadata(unsampled)!) as Record<string, string>;
      expect(metadata.traceparent).to.equal(
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
      );
    });

    it('makes a child span only under a recording span', async () => {
      await inChildSpan('cache invalidate', {}, async () => undefined);
      expect(recorder.exporter.getFinishedSpans()).to.have.length(0);
      const parent = requestContext('job');
      await context.with(parent, () => inChildSpan('cache invalidate', {}, async () => undefined));
      const [child] = recorder.exporter.getFinishedSpans();
      expect(child?.name).to.equal('cache invalidate');
      expect(child?.parentSpanContext?.spanId).to.equal(
        trace.getSpan(parent)?.spanContext().spanId,
      );
    });
  });
});
