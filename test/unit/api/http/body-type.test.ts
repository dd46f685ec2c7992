import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { bodyTypeCheck } from '../../../../api/http/body-type.js';

const app = new Koa();

/** A Koa context of a POST with these headers; no socket is ever opened. */
function contextWith(headers: Record<string, string>) {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.headers = headers;
  return app.createContext(req, new ServerResponse(req));
}

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
        const ctx = contextWith(headers);
        expect(check(ctx), JSON.stringify(headers)).to.equal(ctx.is(...types));
      }
    }
  });

  it('keeps each answer for its own types', () => {
    const json = bodyTypeCheck('application/json');
    const form = bodyTypeCheck('application/x-www-form-urlencoded');
    const ctx = contextWith({ 'content-type': 'application/json', 'content-length': '2' });
    expect(json(ctx)).to.equal('application/json');
    expect(form(ctx)).to.equal(false);
  });
});
