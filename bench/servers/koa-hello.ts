/**
 * The ceiling: a bare Koa hello-world, the HTTP stack's own limit on this
 * machine. Benchmark code only. Usage: koa-hello.ts PORT
 */
import Koa from 'koa';

const port = Number(process.argv[2] ?? 0);
const app = new Koa();
app.use((ctx) => {
  ctx.body = 'hello';
});
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
