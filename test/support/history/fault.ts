import type { Config } from '../../../config/index.js';
import type { Connections } from '../../../shared/infra/process/connections.js';
import type { HistoryPipeline } from './pipeline-launcher.js';
import type { QueueWatch } from './queue-watch.js';
import type { Recorder } from './recorder.js';

/** A store a fault stops and starts (a private MariaDB, FerretDB or Redis). */
export interface StoppableStore {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** What a fault's setup prepared for its run. */
export interface FaultSetup {
  /**
   * Settings for the processes and for this test's own connections alike: a
   * private store's URL, the Redis Cluster's nodes, a shorter lock.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Worker processes to start with (1 unless told). */
  readonly workers?: number;
  /** The store the fault stops, when it has one. */
  readonly store?: StoppableStore;
  teardown(): Promise<void>;
}

/** What a fault acts on while the clients' load runs. */
export interface FaultContext {
  readonly pipeline: HistoryPipeline;
  readonly recorder: Recorder;
  readonly queues: QueueWatch;
  readonly setup: FaultSetup;
  /** The run's own settings and connections (the fault's stores included), e.g. to re-drive dead letters. */
  readonly config: Config;
  readonly connections: Connections;
  /** Resolves once `count` more requests are answered (whatever the answer). */
  answered(count: number, what: string): Promise<void>;
  /** A line for the run's log (printed with the table). */
  note(line: string): void;
}

/**
 * One fault of the catalogue: set up what it needs (its own stores), inject
 * it while the load runs, then heal. Every step waits on what it can observe
 * (answers, job locks, the cluster's roles), never on a fixed sleep.
 */
export interface Fault {
  readonly name: string;
  /**
   * A defect this fault still shows, stated: the run is then left out of
   * `npm test` (and says so, with this text) until the defect is fixed;
   * HISTORY_KNOWN_DEFECTS=1 runs it anyway.
   */
  readonly knownDefect?: string;
  setup?(): Promise<FaultSetup>;
  inject(context: FaultContext): Promise<void>;
  heal?(context: FaultContext): Promise<void>;
}
