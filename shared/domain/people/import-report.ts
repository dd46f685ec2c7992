export interface ImportCounts {
  /** Rows queued for persisting. */
  accepted: number;
  /** Rows whose id appeared earlier in the file, is already stored, or is already queued. */
  duplicate: number;
  /** Rows that could not be read or failed the person schema. */
  invalid: number;
}

export interface ImportProblem {
  /** 1-based line of the file where the row starts (the header is line 1). */
  readonly line: number;
  readonly kind: 'invalid' | 'duplicate';
  readonly errors: readonly string[];
}

export interface ImportReport {
  readonly counts: ImportCounts;
  /** The problems with the lowest line numbers, at most `maxProblems` of them. */
  readonly problems: readonly ImportProblem[];
  /** How many more problems there were than are listed; the counts are always exact. */
  readonly problems_omitted: number;
  /** False when the parser could not read past some row (the problem says where). */
  readonly complete: boolean;
}

/**
 * Counts every problem, keeps the ones with the lowest lines. Problems can
 * arrive slightly out of line order (the parser reports unreadable rows while
 * earlier rows are still being checked), so the kept list is sorted, not appended.
 */
export class ImportReportBuilder {
  readonly counts: ImportCounts = { accepted: 0, duplicate: 0, invalid: 0 };
  private problems: ImportProblem[] = [];
  private omitted = 0;
  complete = true;

  constructor(private readonly maxProblems: number) {}

  add(problem: ImportProblem): void {
    this.counts[problem.kind] += 1;
    this.problems.push(problem);
    // Trim in steps, not per problem, so a file full of bad rows stays linear.
    if (this.problems.length >= this.maxProblems * 2 + 16) this.trim();
  }

  build(): ImportReport {
    this.trim();
    return {
      counts: { ...this.counts },
      problems: this.problems,
      problems_omitted: this.omitted,
      complete: this.complete,
    };
  }

  private trim(): void {
    this.problems.sort((a, b) => a.line - b.line);
    if (this.problems.length > this.maxProblems) {
      this.omitted += this.problems.length - this.maxProblems;
      this.problems = this.problems.slice(0, this.maxProblems);
    }
  }
}
