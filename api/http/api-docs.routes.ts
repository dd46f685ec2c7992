import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';

const require = createRequire(import.meta.url);
// Only where the files are: the package's main module loads the whole Swagger UI
// bundle into the server's heap (~40 MB of RSS) though the server only reads files.
const SWAGGER_DIR: string = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The only Swagger UI files served; everything comes from the npm package (no CDN, works offline). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function indexHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${title} — API</title>
  <link rel="stylesheet" href="./swagger-ui.css">
  <link rel="icon" type="image/png" href="./favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="./swagger-ui-bundle.js"></script>
  <script src="./swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: './openapi.json',
      dom_id: '#swagger-ui',
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>`;
}

/** Serves an OpenAPI document at `<base>/openapi.json` and Swagger UI at `<base>/`. */
export function apiDocsRoutes(document: object, options: { base: string; title: string }): Router {
  const router = new Router();
  const { base } = options;
  const assets = new Map<string, Promise<Buffer>>();
  router.get(`${base}/openapi.json`, (ctx) => {
    ctx.body = document;
  });
  // One route for `<base>` and `<base>/` (the router ignores a trailing slash): the
  // page's relative asset URLs need the slash, so the bare form is redirected.
  router.get(`${base}/`, (ctx) => {
    if (!ctx.path.endsWith('/')) return ctx.redirect(`${base}/`);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = indexHtml(options.title);
  });
  router.get(`${base}/:asset`, async (ctx, next) => {
    const type = ASSETS[ctx.params.asset ?? ''];
    if (!type) return next();
    const name = ctx.params.asset as string;
    if (!assets.has(name)) assets.set(name, readFile(join(SWAGGER_DIR, name)));
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await assets.get(name);
  });
  return router;
}
