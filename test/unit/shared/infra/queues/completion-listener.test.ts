import { expect } from 'chai';
import { context, trace } from '@opentelemetry/api';
import type { QueueEvents } from 'bullmq';
import {
  CompletionListener,
  type IdleTimer,
} from '../../../../../shared/infra/queues/completion-listener.js';
import { recordSpans } from '../../../../support/recorded-spans.js';

describe('CompletionListener and traces (shared/infra/queues/completion-listener.ts)', () => {
  let recorder: ReturnType<typeof recordSpans>;
  beforeEach(() => {
    recorder = recordSpans();
  });
  afterEach(() => recorder.stop());

  it('opens its listener and starts its idle timer outside the trace of the request that waits', async () => {
    const spanWhen: Record<string, string | undefined> = {};
    const activeSpanId = () => trace.getSpan(context.active())?.spanContext().spanId;
    const idleTimer: IdleTimer = () => {
      spanWhen.idleTimer = activeSpanId();
      return () => {};
    };
    const listener = new CompletionListener(
      () => {
        spanWhen.open = activeSpanId();
        return {} as QueueEvents;
      },
      30_000,
      5_000,
      idleTimer,
    );
    const request = trace.getTracer('test').startSpan('POST /users');
    let insideRequest: string | undefined;
    await context.with(trace.setSpan(context.active(), request), () =>
      listener.use(async () => {
        insideRequest = activeSpanId();
      }),
    );
    request.end();
    // The wait itself stays in the request's trace; the long-lived listener does not.
    expect(insideRequest).to.equal(request.spanContext().spanId);
    expect(spanWhen).to.deep.equal({ open: undefined, idleTimer: undefined });
  });
});
