import { request } from 'undici';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // Answers are JSON of many shapes; tests assert on them field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * A test client built on undici.request, which (unlike global fetch) is
 * allowed to reach port 6000, the listing service's default.
 */
export async function http(
  method: string,
  url: string,
  options: {
    json?: unknown;
    form?: Record<string, string>;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  const response = await request(url, { method: method as 'GET', headers, body });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let parsed: unknown = undefined;
  // JSON and +json types; NDJSON (application/x-ndjson) stays text, one document per line.
  if (/(^|\/|\+)json\b/.test(flat['content-type'] ?? '')) parsed = JSON.parse(text);
  return { status: response.statusCode, headers: flat, text, body: parsed };
}
