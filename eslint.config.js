import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layer rules (STYLE 3, 4, 7). A file gets one set of options per rule (a later
// block replaces an earlier one's, it does not add to them), so every folder's
// block below lists all of that folder's restrictions.
const databaseDrivers = {
  regex: '^(mysql2|mongoose)(/|$)',
  message:
    'Only repositories (shared/domain/repositories/) and the connection pools (shared/infra/databases/) touch a database driver; use a repository.',
};

/** Relative imports that reach the top-level `folders` (no subfolder of that name exists). */
function into(folders, message) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message };
}

const processFolders = into(
  ['api', 'workers', 'cron'],
  'shared/ and config/ serve every process; they never import a process folder.',
);

// Generic plumbing below the domain: the domain hands infra what it needs (a parameter, a
// shard key, the names of shared/infra/domain-names.ts), so infra never imports it.
const domainFromInfra = {
  regex: '^(\\.\\./)+(shared/)?domain(/|$)',
  message:
    'shared/infra/ is the plumbing shared/domain/ builds on; it never imports the domain (take what it needs as a parameter).',
};

function layerRule(...patterns) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/', 'client/dist/', 'node_modules/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration only in config/.' },
      ],
      ...layerRule(databaseDrivers),
    },
  },
  { files: ['shared/**'], rules: layerRule(databaseDrivers, processFolders) },
  { files: ['shared/domain/repositories/**'], rules: layerRule(processFolders) },
  {
    files: ['shared/infra/**'],
    rules: layerRule(databaseDrivers, processFolders, domainFromInfra),
  },
  // The pools are opened, pinged and closed by shared/infra/process; every query is a repository's.
  { files: ['shared/infra/databases/**'], rules: layerRule(processFolders, domainFromInfra) },
  {
    files: ['config/**'],
    rules: layerRule(
      databaseDrivers,
      processFolders,
      into(['shared'], 'Configuration is loaded first, from nothing but the environment.'),
    ),
  },
  // One process never reaches into another's folder; what two processes share lives in shared/.
  {
    files: ['api/**'],
    rules: layerRule(
      databaseDrivers,
      into(['workers', 'cron'], 'api/ never imports workers/ or cron/.'),
    ),
  },
  {
    // The domain never reaches into the HTTP layer: a resource's service (and the public
    // service's upstream clients) takes plain inputs and answers with the types of
    // api/write-results.ts and api/bulk-writes.ts; only routes and modules know api/http.
    files: ['api/*/*.service.ts', 'api/public/clients/**'],
    rules: layerRule(
      databaseDrivers,
      into(['workers', 'cron'], 'api/ never imports workers/ or cron/.'),
      into(
        ['http'],
        'A service never imports api/http/; its bulk and write types live in api/bulk-writes.ts and api/write-results.ts.',
      ),
    ),
  },
  {
    files: ['workers/**'],
    rules: layerRule(
      databaseDrivers,
      into(['api', 'cron'], 'workers/ never imports api/ or cron/.'),
    ),
  },
  {
    files: ['cron/**'],
    rules: layerRule(
      databaseDrivers,
      into(['api', 'workers'], 'cron/ never imports api/ or workers/.'),
    ),
  },
  {
    // The import CLI runs the API's intake by hand (the people service's start-up file
    // import, each resource's bulk intake), so scripts/ may import api/; no script is
    // worker or cron code.
    files: ['scripts/**'],
    rules: layerRule(
      databaseDrivers,
      into(
        ['workers', 'cron'],
        'scripts/ run API-side tools; they never import workers/ or cron/.',
      ),
    ),
  },
  {
    // A function of product code reads in one screen (issue 29); tests, bench and scripts aside.
    files: ['api/**', 'workers/**', 'shared/**', 'cron/**', 'config/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // @spillway/client is a package of its own: Node's built-ins and undici, nothing else.
    files: ['client/src/**'],
    rules: layerRule({
      regex: '^(?!node:|undici$|\\.\\.?/)',
      message: '@spillway/client depends on nothing beyond undici and Node built-ins (node:…).',
    }),
  },
  {
    // The client's examples are plain Node scripts, as a user writes them.
    files: ['client/examples/**'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    // Tests check what reached the stores by reading them directly, not through the code
    // under test; bench/ measures a deliberately unlayered synchronous baseline against Spillway.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // chai's property assertions (`.to.be.empty`) are expressions by design.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    // bench/ is tooling, not production code: it reads its own BENCH_* knobs and passes env to children.
    files: ['config/**', 'eslint.config.js', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
