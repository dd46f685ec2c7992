import { expect } from 'chai';
import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  context,
  trace,
  type Attributes,
} from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import type { TracingConfig } from '../../../../../../config/index.js';
import { inBulkAdd } from '../../../../../../shared/infra/telemetry/tracing/bulk-add.js';
import {
  configuredSampler,
  SpillwaySampler,
} from '../../../../../../shared/infra/telemetry/tracing/sampler.js';
import { recordSpans } from '../../../../../support/recorded-spans.js';

const { SamplingDecision } = tracing;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const decide = (sampler: tracing.Sampler, ctx = ROOT_CONTEXT) =>
  sampler.shouldSample(ctx, TRACE_ID, 'POST /users', SpanKind.SERVER, {}, []).decision;
/** A context whose parent came from another process (a traceparent), sampled or not. */
const remoteParent = (sampled: boolean) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
const sampler = (name: TracingConfig['sampler']['name'], ratio = 1) =>
  configuredSampler({ name, ratio });

describe('trace sampling (shared/infra/telemetry/tracing/sampler.ts)', () => {
  describe('the sampler OTEL_TRACES_SAMPLER names', () => {
    it('samples every root span with always_on and none with always_off', () => {
      expect(decide(sampler('always_on'))).to.equal(SamplingDecision.RECORD_AND_SAMPLED);
      expect(decide(sampler('always_off'))).to.equal(SamplingDecision.NOT_RECORD);
    });

    it('samples by trace id at the ratio of OTEL_TRACES_SAMPLER_ARG', () => {
      expect(decide(sampler('traceidratio', 0))).to.equal(SamplingDecision.NOT_RECORD);
      expect(decide(sampler('traceidratio', 1))).to.equal(SamplingDecision.RECORD_AND_SAMPLED);
    });

    it('follows a remote parent’s decision with the parentbased_ samplers, whatever the ratio', () => {
      const parentBased = sampler('parentbased_traceidratio', 0);
      expect(decide(parentBased)).to.equal(SamplingDecision.NOT_RECORD);
      expect(decide(parentBased, remoteParent(true))).to.equal(SamplingDecision.RECORD_AND_SAMPLED);
      expect(decide(sampler('parentbased_always_on'), remoteParent(false))).to.equal(
        SamplingDecision.NOT_RECORD,
      );
    });
  });

  describe('Redis commands of a bulk add', () => {
    let recorder: ReturnType<typeof recordSpans>;
    const redisCommand: Attributes = { 'db.system.name': 'redis', 'db.query.text': 'evalsha' };
    const start = (name: string, kind: SpanKind, attributes: Attributes = {}) =>
      trace.getTracer('test').startSpan(name, { kind, attributes });

    beforeEach(() => {
      recorder = recordSpans({ sampler: new SpillwaySampler(sampler('always_on')) });
    });
    afterEach(() => recorder.stop());

    it('are not recorded one by one, while the add’s own span is', async () => {
      const parent = trace.getTracer('test').startSpan('intake batch persist-users');
      await context.with(trace.setSpan(ROOT_CONTEXT, parent), () =>
        inBulkAdd(async () => {
          const add = start('addBulk persist-users', SpanKind.PRODUCER);
          expect(add.isRecording(), 'the add').to.equal(true);
          const inside = trace.setSpan(context.active(), add);
          const command = context.with(inside, () =>
            start('evalsha', SpanKind.CLIENT, redisCommand),
          );
          expect(command.isRecording(), 'a command of the add').to.equal(false);
          command.end();
          add.end();
        }),
      );
      parent.end();
      expect(recorder.exporter.getFinishedSpans().map((s) => s.name)).to.deep.equal([
        'addBulk persist-users',
        'intake batch persist-users',
      ]);
    });

    it('are recorded as usual outside a bulk add', () => {
      const parent = trace.getTracer('test').startSpan('POST /users');
      const command = context.with(trace.setSpan(ROOT_CONTEXT, parent), () =>
        start('incrby', SpanKind.CLIENT, redisCommand),
      );
      expect(command.isRecording()).to.equal(true);
    });
  });

  describe('database commands outside any trace', () => {
    let recorder: ReturnType<typeof recordSpans>;
    const start = (name: string, kind: SpanKind, attributes: Attributes = {}) =>
      trace.getTracer('test').startSpan(name, { kind, attributes });
    beforeEach(() => {
      recorder = recordSpans({ sampler: new SpillwaySampler(sampler('always_on')) });
    });
    afterEach(() => recorder.stop());

    it('are not recorded: a readiness ping, a poll, a stalled-job check each would be a trace', () => {
      const ping = start('SELECT', SpanKind.CLIENT, { 'db.system.name': 'mysql' });
      expect(ping.isRecording(), 'a MySQL ping at the root').to.equal(false);
      // BullMQ's housekeeping runs under a placeholder span with no valid context.
      const housekeeping = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
      const check = context.with(housekeeping, () =>
        start('evalsha', SpanKind.CLIENT, { 'db.system': 'redis' }),
      );
      expect(check.isRecording(), 'a stalled-job check').to.equal(false);
    });

    it('leave every other root span to the configured sampler', () => {
      expect(start('POST /users', SpanKind.SERVER).isRecording()).to.equal(true);
      expect(
        start('GET', SpanKind.CLIENT, { 'http.request.method': 'GET' }).isRecording(),
      ).to.equal(true);
    });

    it('are recorded inside a trace', () => {
      const parent = start('process persist-users', SpanKind.CONSUMER);
      const insert = context.with(trace.setSpan(ROOT_CONTEXT, parent), () =>
        start('INSERT', SpanKind.CLIENT, { 'db.system.name': 'mysql' }),
      );
      expect(insert.isRecording()).to.equal(true);
    });
  });
});
