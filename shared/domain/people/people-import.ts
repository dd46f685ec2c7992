import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { AppError, ValidationError } from '../errors/index.js';
import type { IdAllocator } from '../ids/id-allocator.js';
import { jobIds, type PersistPersonJob } from '../writes/write-jobs.js';
import type { PersonRepository } from '../repositories/person.repository.js';
import { toPerson, type Person } from '../schemas/person.schema.js';
import { ImportReportBuilder, type ImportReport } from './import-report.js';
import { assertPeopleHeader, parsePersonRow, PEOPLE_CSV_HEADER } from './people-csv.js';
import type { ShardedQueue } from '../../infra/queues/sharded-queue.js';

/** No valid row comes near this; a longer one is hostile or broken, and is not buffered further. */
export const MAX_ROW_BYTES = 64 * 1024;

export interface PeopleImporterDeps {
  readonly queue: ShardedQueue<PersistPersonJob>;
  readonly people: PersonRepository;
  readonly ids: IdAllocator;
  /** Rows checked against the stores and enqueued together (one addBulk). */
  readonly chunkSize?: number;
  /** Problems listed in the report; the counts stay exact beyond it. */
  readonly maxProblems?: number;
  /**
   * The largest id a row may bring (PEOPLE_MAX_IMPORT_ID): the ids above it are
   * the counter's, so an import never leaves POST /people without ids to draw.
   */
  readonly maxId?: number;
}

/** What an import asks before it queues each chunk: room for that many writes (rate limit, backpressure). */
export type AdmitRows = (rows: number) => Promise<void>;

interface PendingRow {
  readonly line: number;
  readonly person: Person;
}

/** Errors after which csv-parse reads nothing more of the file. */
const STOPS_PARSING = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

function describeCsvError(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unterminated quoted field: the quote opened in this row is never closed, so the rest of the file was not read';
    case 'CSV_MAX_RECORD_SIZE':
      return `row is longer than ${MAX_ROW_BYTES} bytes, so the rest of the file was not read`;
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'misplaced quote: a field containing quotes must be quoted, with inner quotes doubled';
    default:
      return `unreadable row (${error.code})`;
  }
}

/** Why a row's id cannot be imported, if it cannot: most telling reason first. */
function duplicateOf(
  id: number,
  holders: { stored: Set<number>; queued: Set<number>; claimed: Set<number> },
): string | undefined {
  if (holders.stored.has(id)) return `id ${id} already exists`;
  if (holders.queued.has(id)) return `id ${id} is already queued for writing`;
  if (!holders.claimed.has(id)) return `id ${id} is being written by another request`;
  return undefined;
}

/** The line a record starts on: its end line less the line breaks inside its (quoted) fields. */
function startLine(endLine: number, fields: readonly string[]): number {
  return endLine - fields.reduce((breaks, field) => breaks + (field.match(/\n/g)?.length ?? 0), 0);
}

/** One import under way: its report, its request, and what it asks before queuing each chunk. */
interface ImportRun {
  readonly report: ImportReportBuilder;
  readonly requestId: string;
  readonly admit: AdmitRows;
}

/** The ids among `ids` whose create job is already in the queue. */
async function queuedIds(
  queue: ShardedQueue<PersistPersonJob>,
  ids: readonly number[],
): Promise<Set<number>> {
  const jobs = await Promise.all(
    ids.map((id) => queue.getJob(jobIds.persist('people', id, 1), id)),
  );
  return new Set(ids.filter((_, i) => jobs[i] !== undefined));
}

/**
 * Queues one chunk of rows in one addBulk, once admitted: each id claimed
 * first, and a row whose id is stored, queued or claimed by another write
 * reported as a duplicate instead.
 */
async function queueChunk(
  deps: PeopleImporterDeps,
  rows: readonly PendingRow[],
  { report, requestId, admit }: ImportRun,
): Promise<void> {
  if (rows.length === 0) return;
  await admit(rows.length);
  const ids = rows.map((row) => row.person.id);
  // One step raises the counter past these ids (no POST can draw them from
  // now on) and claims each: a POST that drew one earlier claimed it in its
  // draw, and another import claims before it checks, so the first claim wins.
  const claimed = await deps.ids.claim('people', ids);
  try {
    // The queue before MySQL: a job leaves the queue only once its row is
    // stored, so a write that ended between the two reads is still seen.
    const queued = await queuedIds(deps.queue, ids);
    const stored = await deps.people.existingIds(ids);
    const fresh: PendingRow[] = [];
    for (const row of rows) {
      const problem = duplicateOf(row.person.id, { stored, queued, claimed });
      if (problem) report.add({ line: row.line, kind: 'duplicate', errors: [problem] });
      else fresh.push(row);
    }
    if (fresh.length === 0) return;
    await deps.queue.addBulk(
      fresh.map(({ person }) => ({
        name: 'person.import',
        data: { requestId, version: 1, person },
        opts: { jobId: jobIds.persist('people', person.id, 1) },
      })),
    );
    report.counts.accepted += fresh.length;
  } finally {
    // Queued now, their jobs hold the ids; not queued, they are free again.
    // A release that fails leaves claims to expire: never the import's error.
    await deps.ids.release('people', claimed).catch(() => undefined);
  }
}

/**
 * The file's records as csv-parse reads them, unreadable rows reported (once
 * per row) and skipped; `lineOfNext` gives the line the record just read starts on.
 */
function readRecords(
  source: Readable,
  report: ImportReportBuilder,
): { readonly records: AsyncIterable<string[]>; lineOfNext(): number } {
  let lastEndLine = 0;
  let lastProblemLine = 0;
  const startLines: number[] = [];
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_ROW_BYTES,
    // Runs in parse order, before the consumer sees the record: the start
    // lines queue up in record order, and skip events see exact lines.
    on_record: (record, context) => {
      lastEndLine = context.lines;
      startLines.push(startLine(context.lines, record));
      return record;
    },
  });
  parser.on('skip', (error: CsvError) => {
    const line = lastEndLine + 1;
    if (line === lastProblemLine) return; // one row can raise several parse errors
    lastProblemLine = line;
    if (STOPS_PARSING.has(error.code)) report.complete = false;
    report.add({ line, kind: 'invalid', errors: [describeCsvError(error)] });
  });
  pipeline(source, parser, () => undefined);
  return {
    records: parser as AsyncIterable<string[]>,
    lineOfNext: () => startLines.shift() ?? lastEndLine,
  };
}

/**
 * The person of one data row, or undefined when the row is reported instead:
 * invalid, an id above `maxId`, or an id an earlier line of the file brought.
 */
function checkedRow(
  fields: string[],
  line: number,
  report: ImportReportBuilder,
  seen: { readonly maxId: number; readonly firstLineOf: Map<number, number> },
): PendingRow | undefined {
  const outcome = parsePersonRow(fields);
  if (!outcome.ok) {
    report.add({ line, kind: 'invalid', errors: outcome.errors });
    return undefined;
  }
  const { id } = outcome.record;
  if (id > seen.maxId) {
    report.add({
      line,
      kind: 'invalid',
      errors: [
        `id ${id} is above ${seen.maxId}, the largest id an import may bring (PEOPLE_MAX_IMPORT_ID)`,
      ],
    });
    return undefined;
  }
  const earlier = seen.firstLineOf.get(id);
  if (earlier !== undefined) {
    report.add({
      line,
      kind: 'duplicate',
      errors: [`id ${id} already appears on line ${earlier}`],
    });
    return undefined;
  }
  seen.firstLineOf.set(id, line);
  return { line, person: toPerson(id, outcome.record) };
}

/** Reads the file's header and rows, queuing the good rows chunk by chunk. */
async function readRows(
  deps: PeopleImporterDeps,
  limits: { readonly chunkSize: number; readonly maxId: number },
  source: Readable,
  run: ImportRun,
): Promise<void> {
  const { records, lineOfNext } = readRecords(source, run.report);
  const seen = { maxId: limits.maxId, firstLineOf: new Map<number, number>() };
  let pending: PendingRow[] = [];
  let header = true;
  for await (const fields of records) {
    const line = lineOfNext();
    if (header) {
      assertPeopleHeader(fields);
      header = false;
      continue;
    }
    const row = checkedRow(fields, line, run.report, seen);
    if (row === undefined) continue;
    pending.push(row);
    if (pending.length >= limits.chunkSize) {
      await queueChunk(deps, pending, run);
      pending = [];
    }
  }
  if (header) {
    throw new ValidationError([`empty CSV: expected the header "${PEOPLE_CSV_HEADER.join(',')}"`]);
  }
  await queueChunk(deps, pending, run);
}

/**
 * The error a failed import answers with: once some rows were counted, it
 * says how many were queued and skipped before the failure.
 */
function importFailure(caught: unknown, counts: ImportReportBuilder['counts']): unknown {
  // A parse error csv-parse could not skip is the file's fault, not ours.
  const error =
    caught instanceof CsvError
      ? new AppError(`the CSV could not be read: ${caught.message}`, {
          code: 'BAD_CSV',
          status: 400,
          expose: true,
        })
      : caught;
  const { accepted, duplicate, invalid } = counts;
  if (!(error instanceof AppError) || accepted + duplicate + invalid === 0) return error;
  // Rows queued before the failure stay queued: say so, with the exact counts.
  return new AppError(
    `${error.message}; before that, ${accepted} rows were queued and ${duplicate + invalid} skipped (${duplicate} duplicate, ${invalid} invalid)`,
    { code: error.code, status: error.status, expose: error.expose, cause: error },
  );
}

/**
 * CSV import of people: stream-parses the file, validates each row with the
 * person schema, skips and reports invalid rows and duplicate ids, and queues
 * the good rows in bulk on the same persist queue as POST /people. An id that
 * is already stored (or already queued) is a duplicate, never an update, so
 * importing the same file twice changes nothing; so is an id another write
 * (a POST, another import) claimed first: of two writes of one id, the first
 * to claim it is the one accepted.
 */
export function createPeopleImporter(deps: PeopleImporterDeps) {
  const chunkSize = deps.chunkSize ?? 1000;
  const maxProblems = deps.maxProblems ?? 1000;
  const maxId = deps.maxId ?? Number.MAX_SAFE_INTEGER;
  return {
    /**
     * Imports one CSV stream; resolves with the report once every good row is
     * queued. `admit` is asked for room before each chunk is queued (and may
     * refuse it: a 429 or 503 then ends the import, the chunks before it queued).
     */
    async importCsv(
      source: Readable,
      meta: { requestId: string; admit?: AdmitRows },
    ): Promise<ImportReport> {
      const report = new ImportReportBuilder(maxProblems);
      const admit = meta.admit ?? (async () => undefined);
      try {
        await readRows(deps, { chunkSize, maxId }, source, {
          report,
          requestId: meta.requestId,
          admit,
        });
      } catch (caught) {
        throw importFailure(caught, report.counts);
      }
      return report.build();
    },
  };
}

export type PeopleImporter = ReturnType<typeof createPeopleImporter>;
