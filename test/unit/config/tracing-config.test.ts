import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../config/index.js';

const tracingOf = (env: Record<string, string>) => loadConfig(env).tracing;

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as Error).message;
  }
  return expect.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('tracing configuration (the standard OTEL_* variables)', () => {
  it('is off with no OTEL_* variable set', () => {
    expect(tracingOf({})).to.deep.equal({
      enabled: false,
      sampler: { name: 'parentbased_always_on', ratio: 1 },
    });
  });

  it('is on when an OTLP endpoint is set, for all signals or for traces alone', () => {
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).enabled).to.equal(
      true,
    );
    expect(
      tracingOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).enabled,
    ).to.equal(true);
  });

  it('is on when an exporter is named, even with the default endpoint', () => {
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'console' }).enabled).to.equal(true);
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' }).enabled).to.equal(true);
  });

  it('is off when the SDK is disabled (any letter case) or the exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingOf({ ...endpoint, OTEL_SDK_DISABLED: 'TRUE' }).enabled).to.equal(false);
    expect(tracingOf({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).enabled).to.equal(false);
    expect(tracingOf({ ...endpoint, OTEL_SDK_DISABLED: 'false' }).enabled).to.equal(true);
  });

  it('accepts the protocols and samplers of the specification', () => {
    for (const protocol of ['grpc', 'http/protobuf', 'http/json']) {
      expect(
        tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: protocol }).enabled,
      ).to.equal(true);
    }
    expect(
      tracingOf({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.01',
      }).sampler,
    ).to.deep.equal({ name: 'parentbased_traceidratio', ratio: 0.01 });
    // The specification's default ratio is 1; a sampler without a ratio ignores the argument.
    expect(tracingOf({ OTEL_TRACES_SAMPLER: 'traceidratio' }).sampler.ratio).to.equal(1);
    expect(
      tracingOf({ OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: 'x' }).sampler,
    ).to.deep.equal({ name: 'always_off', ratio: 1 });
  });

  it('refuses values the SDK would only warn about, naming each variable', () => {
    const message = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml',
      OTEL_TRACES_EXPORTER: 'otlp,jaeger',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
    });
    expect(message).to.include('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(message).to.include('OTEL_EXPORTER_OTLP_PROTOCOL');
    expect(message).to.include('OTEL_TRACES_EXPORTER: unknown "jaeger"');
    expect(message).to.include('OTEL_TRACES_SAMPLER_ARG: expected a sampling ratio from 0 to 1');
    expect(problemsOf({ OTEL_TRACES_SAMPLER: 'sometimes' })).to.include('OTEL_TRACES_SAMPLER');
  });
});
