import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import type { Config, ServiceName } from '../config/index.js';
import type { Connections } from '../shared/infra/process/connections.js';
import { listen } from '../shared/infra/http/listen.js';
import type { Logger } from '../shared/infra/telemetry/logger.js';
import { createServiceApps } from './create-apps.js';

/** The resources an NDJSON file can be imported into, and the service that takes them. */
export const BULK_IMPORT_RESOURCES: Readonly<Record<string, ServiceName>> = {
  users: 'users',
  listings: 'listings',
  people: 'people',
  orders: 'orders',
  customers: 'customers',
};

export interface BulkImportReport {
  accepted: number;
  rejected: number;
  /** `line N: status: errors` for each refused item. */
  readonly problems: string[];
}

/** One request's worth of lines: at most `maxItems` non-blank lines, and their line numbers. */
async function* requestsOf(path: string, maxItems: number) {
  const file = await open(path, 'r');
  try {
    let lines: string[] = [];
    let numbers: number[] = [];
    let number = 0;
    for await (const line of createInterface({ input: file.createReadStream() })) {
      number += 1;
      if (line.trim() === '') continue;
      lines.push(line);
      numbers.push(number);
      if (lines.length === maxItems) {
        yield { lines, numbers };
        lines = [];
        numbers = [];
      }
    }
    if (lines.length > 0) yield { lines, numbers };
  } finally {
    await file.close().catch(() => undefined);
  }
}

/**
 * Imports an NDJSON file (one item per line) through the resource's own bulk
 * intake, `POST /<resource>/bulk`, served in this process on a loopback port:
 * the same validation, identity, queue and answers as any client gets. The
 * file is sent in requests of at most BULK_MAX_ITEMS lines, each streamed.
 * The CLI is the operator, not a client: its requests are not rate-limited.
 */
export async function importBulkFile(
  config: Config,
  connections: Connections,
  logger: Logger,
  resource: string,
  path: string,
): Promise<BulkImportReport> {
  const service = BULK_IMPORT_RESOURCES[resource];
  if (!service) throw new Error(`unknown resource ${resource}`);
  const local: Config = {
    ...config,
    rateLimit: { ...config.rateLimit, writesPerMinute: 0 },
    services: { ...config.services, [service]: { host: '127.0.0.1', port: 0 } },
  };
  const apps = await createServiceApps(local, connections, logger, { names: [service] });
  const server = await listen(apps.app(service), local.services[service], local.httpServer);
  const report: BulkImportReport = { accepted: 0, rejected: 0, problems: [] };
  try {
    for await (const { lines, numbers } of requestsOf(path, config.bulk.maxItems)) {
      const answer = await request(`${server.url}/${resource}/bulk`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-ndjson',
          ...(config.serviceToken ? { authorization: `Bearer ${config.serviceToken}` } : {}),
        },
        body: Readable.from(lines.map((line) => `${line}\n`)),
      });
      const out = (await answer.body.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const summary = out.pop() ?? {};
      report.accepted += Number(summary.accepted ?? 0);
      report.rejected += Number(summary.rejected ?? 0);
      for (const item of out) {
        if (Number(item.status) < 300) continue;
        const errors = (item.errors as string[] | undefined) ?? [];
        report.problems.push(
          `line ${numbers[Number(item.index)]}: ${String(item.status)}: ${errors.join('; ')}`,
        );
      }
      if (summary.result !== true) {
        const errors = (summary.errors as string[] | undefined) ?? [`HTTP ${answer.statusCode}`];
        throw new Error(
          `${errors.join('; ')} (after ${report.accepted} accepted, ${report.rejected} rejected)`,
        );
      }
    }
  } finally {
    await server.close();
    await apps.close();
  }
  return report;
}
