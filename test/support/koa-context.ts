import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';

const app = new Koa();

/** A Koa context of a POST with these headers; no socket is ever opened. */
export function postContextWith(headers: Record<string, string>) {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.headers = headers;
  return app.createContext(req, new ServerResponse(req));
}
