import { expect } from 'chai';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { queueTelemetry } from '../../../../../../shared/infra/telemetry/tracing/bullmq-telemetry.js';
import { recordSpans } from '../../../../../support/recorded-spans.js';

describe("BullMQ's telemetry for Spillway's queues (shared/infra/telemetry/tracing/bullmq-telemetry.ts)", () => {
  let recorder: ReturnType<typeof recordSpans>;
  beforeEach(() => {
    recorder = recordSpans();
  });
  afterEach(() => recorder.stop());

  it('is not given to BullMQ at all when tracing is off', () => {
    expect(queueTelemetry(false)).to.equal(undefined);
  });

  it("records a job's add, process and complete spans", () => {
    const telemetry = queueTelemetry(true)!;
    for (const name of [
      'add persist-users-0.user',
      'process persist-users-0',
      'complete persist-users-0',
    ])
      telemetry.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, ROOT_CONTEXT).end();
    expect(recorder.exporter.getFinishedSpans().map((s) => s.name)).to.deep.equal([
      'add persist-users-0.user',
      'process persist-users-0',
      'complete persist-users-0',
    ]);
  });

  it("keeps a worker's polling and stalled-job checks out of the traces", () => {
    const telemetry = queueTelemetry(true)!;
    for (const name of [
      'getNextJob persist-users-0',
      'startStalledCheckTimer persist-users-0',
      'moveStalledJobsToWait persist-users-0',
    ])
      telemetry.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, ROOT_CONTEXT).end();
    expect(recorder.exporter.getFinishedSpans()).to.deep.equal([]);
  });
});
