export interface AppErrorOptions {
  readonly code: string;
  readonly status: number;
  /** Whether the message may be shown to the client; 5xx messages never are. */
  readonly expose: boolean;
  readonly messages?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/** The one error type the HTTP layer knows how to answer. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly messages: readonly string[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(message: string, options: AppErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.status = options.status;
    this.expose = options.expose;
    this.messages = options.messages ?? [message];
    this.headers = options.headers ?? {};
  }
}
