/** What every error the client raises has: a stable `code` to branch on. */
export abstract class SpillwayError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
