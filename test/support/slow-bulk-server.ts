/**
 * A deliberately slow stand-in for a Spillway bulk endpoint, run as its own
 * process (so a test measures only its own memory): it answers every
 * `POST /<resource>/bulk` after SLOW_MS (default 50) with one accepted line
 * per NDJSON line of the body, ids from a counter. Prints `listening <port>`.
 */
import { createServer } from 'node:http';

// eslint-disable-next-line no-restricted-properties -- a test fixture process, started with its delay
const delayMs = Number(process.env.SLOW_MS ?? 50);
let nextId = 1;
let requests = 0;

const server = createServer((request, response) => {
  let lines = 0;
  request.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 0x0a) lines += 1;
  });
  request.on('end', () => {
    requests += 1;
    setTimeout(() => {
      const out: string[] = [];
      for (let index = 0; index < lines; index += 1) {
        const id = nextId++;
        out.push(
          `{"index":${index},"status":202,"listing":{"id":${id}},"job_id":"listings-${id}-v1"}`,
        );
      }
      out.push(`{"result":true,"accepted":${lines},"rejected":0}`);
      response.writeHead(202, { 'content-type': 'application/x-ndjson' });
      response.end(`${out.join('\n')}\n`);
    }, delayMs);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => {
  console.log(`served ${requests} requests, ${nextId - 1} items`);
  server.close(() => process.exit(0));
});
