import type { ChangeEvent } from '../../shared/domain/writes/write-jobs.js';
import type { MailMessage } from '../../shared/infra/mail/mailer.js';

const FIELDS = ['username', 'address', 'income', 'name', 'email', 'phone'] as const;

const VERBS: Record<ChangeEvent['type'], string> = {
  insert: 'created',
  update: 'updated',
  delete: 'deleted',
};

function show(value: unknown): string {
  return value === null || value === undefined ? '—' : String(value);
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One row per field: its value before and after (an insert has no "before"). */
function rows(
  event: ChangeEvent,
): { field: string; before: string; after: string; changed: boolean }[] {
  return FIELDS.map((field) => {
    const before = event.before ? show(event.before[field]) : '';
    const after = show(event.after?.[field]);
    return { field, before, after, changed: event.before !== null && before !== after };
  });
}

/**
 * The e-mail for one customer change event: subject, plain text and HTML
 * (every value escaped). Updates list what changed, before → after.
 */
export function customerEmail(event: ChangeEvent): MailMessage {
  const verb = VERBS[event.type];
  const username = show((event.after ?? event.before)?.username);
  const when = new Date(Math.floor(event.at / 1000)).toISOString();
  const subject = `Customer ${verb}: ${username}`;
  const table = rows(event);
  const lines =
    event.type === 'update'
      ? table.filter((r) => r.changed).map((r) => `  ${r.field}: ${r.before} → ${r.after}`)
      : table.map((r) => `  ${r.field}: ${event.type === 'delete' ? r.before : r.after}`);
  const text = [
    `Customer ${username} (${event.key}) was ${verb} at ${when} (version ${event.version}).`,
    '',
    event.type === 'update' ? 'Changed fields:' : 'Fields:',
    ...(lines.length > 0 ? lines : ['  (no field changed)']),
    '',
  ].join('\n');
  const htmlRows = table
    .map(
      (r) =>
        `<tr${r.changed ? ' style="font-weight:bold"' : ''}><th align="left">${r.field}</th>` +
        (event.type === 'insert' ? '' : `<td>${escapeHtml(r.before)}</td>`) +
        `<td>${escapeHtml(event.type === 'delete' ? '' : r.after)}</td></tr>`,
    )
    .join('');
  const heading = event.type === 'insert' ? '<th>value</th>' : '<th>before</th><th>after</th>';
  const html =
    `<p>Customer <b>${escapeHtml(username)}</b> (<code>${escapeHtml(event.key)}</code>) ` +
    `was ${verb} at ${when} (version ${event.version}).</p>` +
    `<table border="1" cellpadding="4"><tr><th></th>${heading}</tr>${htmlRows}</table>`;
  return { subject, text, html };
}
