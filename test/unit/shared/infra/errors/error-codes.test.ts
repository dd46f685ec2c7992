import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, answerCode } from '../../../../../shared/infra/errors/error-codes.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('error codes: every error answer carries one a program can branch on', () => {
  it('lists, for every AppError code the product raises, its SPW_ answer code (none falls back to SPW_INTERNAL)', () => {
    const raised = new Set<string>();
    for (const dir of ['api', 'shared', 'workers', 'cron']) {
      for (const file of sourcesUnder(join(ROOT, dir))) {
        for (const match of readFileSync(file, 'utf8').matchAll(/code: '([A-Z_]+)'/g)) {
          raised.add(match[1]!);
        }
      }
    }
    expect(raised.size).to.be.greaterThan(10);
    for (const code of raised) {
      const answered = code.startsWith('SPW_') ? code : answerCode(code);
      expect(ERROR_CODES as readonly string[], code).to.include(answered);
      expect(answered, code).to.not.equal(code.startsWith('SPW_') ? '' : 'SPW_INTERNAL');
    }
  });
});
