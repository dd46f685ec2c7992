import { expect } from 'chai';
import { bodyTypeCheck } from '../../../../api/http/body-type.js';
import { postContextWith } from '../../../support/koa-context.js';

describe('bodyTypeCheck: ctx.is, remembered by Content-Type', () => {
  const types = ['application/json', 'application/x-www-form-urlencoded'];
  const cases: Record<string, string>[] = [
    { 'content-type': 'application/json', 'content-length': '2' },
    { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' },
    { 'content-type': 'Application/JSON', 'transfer-encoding': 'chunked' },
    { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '7' },
    { 'content-type': 'text/csv', 'content-length': '7' },
    { 'content-type': 'application/vnd.api+json', 'content-length': '7' },
    { 'content-type': 'not a type', 'content-length': '7' },
    { 'content-type': 'application/json' }, // no body: null
    { 'content-length': '2' }, // no type: false
    {},
  ];

  it('answers what ctx.is answers, the first time and when it remembers', () => {
    const check = bodyTypeCheck(...types);
    for (let round = 0; round < 2; round += 1) {
      for (const headers of cases) {
        const ctx = postContextWith(headers);
        expect(check(ctx), JSON.stringify(headers)).to.equal(ctx.is(...types));
      }
    }
  });

  it('keeps each answer for its own types', () => {
    const json = bodyTypeCheck('application/json');
    const form = bodyTypeCheck('application/x-www-form-urlencoded');
    const ctx = postContextWith({ 'content-type': 'application/json', 'content-length': '2' });
    expect(json(ctx)).to.equal('application/json');
    expect(form(ctx)).to.equal(false);
  });
});
