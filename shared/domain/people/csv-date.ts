/**
 * Two-digit years follow the POSIX `strptime %y` rule: 69–99 are 1969–1999,
 * 00–68 are 2000–2068. Fixed (not relative to today), so an import means the
 * same thing whenever it runs.
 */
export const TWO_DIGIT_YEAR_PIVOT = 69;

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Expands a two-digit year by the POSIX pivot; four-digit years are kept. */
export function expandYear(digits: string): number {
  const year = Number(digits);
  if (digits.length === 4) return year;
  return year >= TWO_DIGIT_YEAR_PIVOT ? 1900 + year : 2000 + year;
}

/** `YYYY-MM-DD` when year, month and day make a real calendar date, otherwise undefined. */
export function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2/30 over to 3/2; a rolled-over date is not the one written.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * Normalises a CSV date to ISO `YYYY-MM-DD`. Accepts `M/D/YY`, `M/D/YYYY`
 * (US order, leading zeros optional) and ISO `YYYY-MM-DD`. Returns undefined
 * for anything else, including impossible dates such as `2/30/21`.
 */
export function normaliseCsvDate(raw: string): string | undefined {
  const text = raw.trim();
  const us = US_DATE.exec(text);
  if (us) return isoDate(expandYear(us[3]!), Number(us[1]), Number(us[2]));
  const iso = ISO_DATE.exec(text);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  return undefined;
}
