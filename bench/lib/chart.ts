import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { BenchResults } from './report.js';

/** Bars of every throughput (HTTP req/s above, drain jobs/s below), rendered to SVG server-side. */
export async function renderChart(r: BenchResults): Promise<string> {
  const { http, drain } = r;
  const values = [
    { kind: 'HTTP (req/s)', scenario: 'ceiling (bare Koa)', value: http.ceiling.rps },
    { kind: 'HTTP (req/s)', scenario: 'accept POST /listings', value: http.accept.rps },
    { kind: 'HTTP (req/s)', scenario: 'sync baseline', value: http.sync.rps },
    { kind: 'HTTP (req/s)', scenario: 'cached page', value: http.cachedPage.rps },
    { kind: 'HTTP (req/s)', scenario: 'uncached page', value: http.uncachedPage.rps },
    { kind: 'HTTP (req/s)', scenario: 'cached user', value: http.cachedUser.rps },
    { kind: 'HTTP (req/s)', scenario: 'uncached user', value: http.uncachedUser.rps },
    { kind: 'drain (jobs/s)', scenario: 'BullMQ ceiling', value: drain.ceiling.mysqlJobsPerSec },
    {
      kind: 'drain (jobs/s)',
      scenario: 'group commit → MySQL',
      value: drain.grouped.mysqlJobsPerSec,
    },
    {
      kind: 'drain (jobs/s)',
      scenario: 'one by one → MySQL',
      value: drain.oneByOne.mysqlJobsPerSec,
    },
    {
      kind: 'drain (jobs/s)',
      scenario: 'pipeline → MySQL + Mongo',
      value: drain.pipeline.mongoJobsPerSec,
    },
  ].map((v) => ({ ...v, value: Number.isFinite(v.value) ? Math.round(v.value) : 0 }));
  const bars = (kind: string): object => ({
    title: kind,
    width: 520,
    transform: [{ filter: { field: 'kind', equal: kind } }],
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'scenario', type: 'nominal', sort: null, title: null },
          x: { field: 'value', type: 'quantitative', title: kind },
          color: { field: 'scenario', type: 'nominal', legend: null },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3 },
        encoding: {
          y: { field: 'scenario', type: 'nominal', sort: null },
          x: { field: 'value', type: 'quantitative' },
          text: { field: 'value', type: 'quantitative', format: ',' },
        },
      },
    ],
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Spillway benchmark (${r.mode}), ${r.when}, ${r.machine.cpus} CPUs`,
    data: { values },
    vconcat: [bars('HTTP (req/s)'), bars('drain (jobs/s)')],
  } as unknown as vl.TopLevelSpec;
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
