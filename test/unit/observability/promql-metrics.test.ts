import { expect } from 'chai';
import { exportedNamesOf, metricNamesOf } from '../../support/promql-metrics.js';

describe('the metric names of a PromQL expression (dashboard check)', () => {
  it('finds the metric inside functions, aggregations, matchers and ranges', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.99, sum by (le, service, route) (rate(spillway_http_request_duration_seconds_bucket{method=~"POST|PUT"}[5m])))',
      ),
    ).to.deep.equal(['spillway_http_request_duration_seconds_bucket']);
  });

  it('finds both sides of a binary expression and ignores keywords and numbers', () => {
    expect(
      metricNamesOf(
        'sum by (queue) (rate(a_sum[5m])) / sum by (queue) (rate(a_count[5m])) > 0 and on() time() - max(b > 0 or c{process="cron"}) > 25 * 3600',
      ),
    ).to.deep.equal(['a_sum', 'a_count', 'b', 'c']);
  });

  it('does not read label values or strings as metric names', () => {
    expect(
      metricNamesOf('max by (queue, state) (spillway_queue_jobs{state="failed"})'),
    ).to.deep.equal(['spillway_queue_jobs']);
  });

  it("lists a histogram's series from its # TYPE line, even with no sample yet", () => {
    const names = exportedNamesOf(
      '# HELP h_seconds help\n# TYPE h_seconds histogram\n# HELP c_total help\n# TYPE c_total counter\nc_total 3\n',
    );
    expect([...names].sort()).to.deep.equal([
      'c_total',
      'h_seconds',
      'h_seconds_bucket',
      'h_seconds_count',
      'h_seconds_sum',
    ]);
  });
});
