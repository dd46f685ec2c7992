import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { closeConnections, openConnections } from '../../shared/infra/process/connections.js';
import { freePort, runNpmStart, untilHealthy, type RunningProcess } from '../support/processes.js';
import { exportedNamesOf, metricNamesOf } from '../support/promql-metrics.js';
import { resetStores } from '../support/stores.js';
import { testConfig, testEnv } from '../support/test-config.js';

const run = promisify(execFile);
const SHIPPED = fileURLToPath(new URL('../../config/observability/', import.meta.url));
const PROMETHEUS_DIR = join(SHIPPED, 'prometheus');

interface PromTarget {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

/** How many alerts alerts.yml declares. */
async function shippedAlertCount(): Promise<number> {
  const text = await readFile(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8');
  return text.match(/^\s*- alert: /gm)?.length ?? 0;
}

describe('the shipped Prometheus config, alert rules and Grafana dashboard (Debian prometheus)', function () {
  this.timeout(120_000);

  it('promtool accepts the alert rules and their unit tests pass', async () => {
    const checked = await run('promtool', ['check', 'rules', join(PROMETHEUS_DIR, 'alerts.yml')]);
    expect(checked.stdout).to.include(`SUCCESS: ${await shippedAlertCount()} rules found`);
    const tested = await run('promtool', ['test', 'rules', 'alerts.test.yml'], {
      cwd: PROMETHEUS_DIR,
    });
    expect(tested.stdout).to.include('SUCCESS');
  });

  describe('against `npm start` (every API, the workers and cron, as the Quick start runs them)', () => {
    let dir: string;
    let pipeline: RunningProcess | undefined;
    let prometheus: ChildProcess | undefined;
    /** The HTTP API of the Prometheus the scrape test starts. */
    let prometheusApi = '';
    const ops = { api: '', workers: '', cron: '' };

    before(async function () {
      // npm start checks the services and applies migrations before it starts the processes.
      this.timeout(240_000);
      dir = await mkdtemp(join(tmpdir(), 'spillway-prometheus-'));
      const ports: Record<string, string> = {};
      for (const name of [
        'USER_SERVICE_PORT',
        'LISTING_SERVICE_PORT',
        'PUBLIC_API_PORT',
        'CUSTOMER_SERVICE_PORT',
        'ORDER_SERVICE_PORT',
        'PEOPLE_SERVICE_PORT',
        'OPS_PORT',
        'WORKER_OPS_PORT',
        'CRON_OPS_PORT',
      ])
        ports[name] = String(await freePort());
      pipeline = runNpmStart(testEnv(ports));
      ops.api = `127.0.0.1:${ports.OPS_PORT}`;
      ops.workers = `127.0.0.1:${ports.WORKER_OPS_PORT}`;
      ops.cron = `127.0.0.1:${ports.CRON_OPS_PORT}`;
      const started = pipeline;
      await eventually(
        async () => (started.output().includes('Spillway is running:') ? true : undefined),
        {
          timeoutMs: 200_000,
          what: `npm start to print its URLs\n${started.output().slice(-3000)}`,
        },
      );
      for (const address of Object.values(ops))
        await untilHealthy(`http://${address}`, {
          what: `${address} to answer\n${started.output().slice(-3000)}`,
        });
    });
    after(async () => {
      prometheus?.kill('SIGKILL');
      await pipeline?.stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      // npm start imported people.csv and seeded demo data into this run's test stores.
      const connections = await openConnections(testConfig());
      try {
        await resetStores(connections);
      } finally {
        await closeConnections(connections);
      }
    });

    it('scrapes every target up with the shipped prometheus.yml and rules', async () => {
      // The shipped files unchanged; only the targets file says where the processes are.
      await copyFile(join(PROMETHEUS_DIR, 'prometheus.yml'), join(dir, 'prometheus.yml'));
      await copyFile(join(PROMETHEUS_DIR, 'alerts.yml'), join(dir, 'alerts.yml'));
      const targets = Object.entries(ops).map(([role, address]) => ({
        targets: [address],
        labels: { role },
      }));
      await writeFile(join(dir, 'targets.json'), JSON.stringify(targets));
      await run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      const port = await freePort();
      let log = '';
      prometheus = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      const api = `http://127.0.0.1:${port}/api/v1`;
      prometheusApi = api;
      // The first scrape of each target comes within one scrape interval (15 s).
      const active = await eventually(
        async () => {
          const answer = await http('GET', `${api}/targets`).catch(() => undefined);
          const found = (answer?.body?.data?.activeTargets ?? []) as PromTarget[];
          return found.length === 3 && found.every((t) => t.health === 'up') ? found : undefined;
        },
        { timeoutMs: 60_000, what: `every target up\n${log.slice(-2000)}` },
      );
      expect(active.map((t) => t.labels.role).sort()).to.deep.equal(['api', 'cron', 'workers']);
      // A rule's health is `unknown` until its group is first evaluated (one evaluation interval).
      const alerts = await eventually(
        async () => {
          const rules = await http('GET', `${api}/rules`);
          const found = (
            rules.body.data.groups as { rules: { name: string; health: string }[] }[]
          ).flatMap((g) => g.rules);
          return found.length > 0 && found.every((r) => r.health !== 'unknown')
            ? found.map((r) => `${r.name} ${r.health}`)
            : undefined;
        },
        { timeoutMs: 60_000, what: `every alert rule evaluated\n${log.slice(-2000)}` },
      );
      expect(alerts).to.have.length(await shippedAlertCount());
      expect(
        alerts.every((a) => a.endsWith(' ok')),
        alerts.join('\n'),
      ).to.equal(true);
    });

    it('has the dashboard read only metrics the services export', async () => {
      const exported = new Set<string>();
      for (const address of Object.values(ops)) {
        const answer = await http('GET', `http://${address}/metrics`);
        for (const name of exportedNamesOf(answer.text)) exported.add(name);
      }
      const dashboard = JSON.parse(
        await readFile(join(SHIPPED, 'grafana/dashboards/spillway.json'), 'utf8'),
      ) as { panels: { title: string; targets: { expr: string }[] }[] };
      const queries = dashboard.panels.flatMap((p) =>
        p.targets.map((t) => ({ panel: p.title, expr: t.expr })),
      );
      expect(queries.length).to.be.at.least(8);
      const unknown = queries.flatMap(({ panel, expr }) =>
        metricNamesOf(expr)
          .filter((name) => !exported.has(name))
          .map((name) => `${panel}: ${name}`),
      );
      expect(unknown).to.deep.equal([]);
      // Every query is PromQL that Prometheus evaluates over what it scraped.
      const evaluated = await Promise.all(
        queries.map(async ({ panel, expr }) => {
          const answer = await http(
            'GET',
            `${prometheusApi}/query?query=${encodeURIComponent(expr)}`,
          );
          return { panel, expr, status: answer.body.status, series: answer.body.data?.result };
        }),
      );
      expect(
        evaluated.filter((q) => q.status !== 'success').map((q) => `${q.panel}: ${q.expr}`),
      ).to.deep.equal([]);
      // The gauges read at scrape time have data from the first scrape on.
      for (const metric of ['spillway_queue_jobs', 'spillway_ready']) {
        const panel = evaluated.find((q) => q.expr.includes(`(${metric})`));
        expect(panel?.series, metric).to.not.deep.equal([]);
      }
      // The alert rules too, but for Prometheus's own `up`.
      const rules = await readFile(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8');
      const ruleMetrics = [...rules.matchAll(/expr: \|?\n?([\s\S]*?)\n\s+(?:for|labels):/g)]
        .flatMap((m) => metricNamesOf(m[1]!))
        .filter((name) => name !== 'up');
      expect(ruleMetrics.length).to.be.at.least(5);
      expect(ruleMetrics.filter((name) => !exported.has(name))).to.deep.equal([]);
    });

    it('has the cron process count purge runs by outcome from 0, so its first failure can alert', async () => {
      const answer = await http('GET', `http://${ops.cron}/metrics`);
      const outcomes = [
        ...(answer.text as string).matchAll(/^spillway_order_purge_runs_total\{outcome="(\w+)"/gm),
      ].map((m) => m[1]);
      expect(outcomes.sort()).to.deep.equal(['completed', 'failed', 'skipped']);
      expect(answer.text).to.include(
        'spillway_order_purge_runs_total{outcome="failed",process="cron"} 0',
      );
    });

    it('stops every process of npm start on Ctrl-C (SIGINT to its process group)', async () => {
      await pipeline!.stop('SIGINT');
      const lines = pipeline!
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { process?: string; msg?: string });
      const shutDown = lines.filter((l) => l.msg === 'shutting down').map((l) => l.process);
      expect(shutDown.sort(), pipeline!.output().slice(-3000)).to.deep.equal([
        'api',
        'cron',
        'workers',
      ]);
      // npm start returns only once its processes have exited: nothing answers any more.
      for (const address of Object.values(ops)) {
        const answer = await http('GET', `http://${address}/health`).catch(() => undefined);
        expect(answer?.status, `${address} still answers`).to.equal(undefined);
      }
    });
  });
});
