/**
 * The layers and the direction data flows through them (docs/architecture.md). `npm run lint`
 * runs this; type-only imports count (tsPreCompilationDeps), so a type cannot smuggle a cycle in.
 */
const project =
  '^(contracts|domain|db|graph|net|engine|delivery|activities|workflows|api|worker|schedules|config|temporal|dev|emulator|bench|test)/';

/** Files a process starts from: they build the configuration and everything else. */
const ENTRY_POINTS = '(^|/)(main|migrate-cli|rotate-encryption-key-cli)\\.ts$';

/** Folders each layer may import from, besides itself and npm packages. */
const allowed = {
  contracts: [],
  domain: ['contracts'],
  net: ['contracts'],
  db: ['domain', 'contracts'],
  graph: ['contracts', 'domain', 'net'],
  engine: ['domain', 'db', 'graph', 'net', 'config', 'contracts'],
  delivery: ['domain', 'db', 'net', 'config', 'contracts'],
  activities: ['engine', 'db', 'domain', 'contracts'],
  config: ['contracts', 'domain', 'net'],
  temporal: ['contracts', 'config'],
  schedules: ['contracts', 'domain', 'db', 'config', 'temporal'],
  emulator: [],
};

const layerRules = Object.entries(allowed).map(([layer, may]) => ({
  name: `${layer}-imports-only-below`,
  comment: `${layer}/ may import only ${may.length ? may.join(', ') : 'itself'} of the project`,
  severity: 'error',
  // Entry points (`npm run migrate`) read the configuration like any other process.
  from: { path: `^${layer}/`, pathNot: ENTRY_POINTS },
  to: { path: project, pathNot: [`^${layer}/`, ...may.map((m) => `^${m}/`)] },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'workflows-import-contracts-and-activity-types',
      comment: 'Workflow code is deterministic: contracts, and activities only as types',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: project, pathNot: ['^workflows/', '^contracts/', '^activities/'] },
    },
    {
      name: 'workflows-take-activity-types-only',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-activity-imports-another',
      comment: 'An activity file imports no other activity; only the index files join them',
      severity: 'error',
      from: { path: '^activities/[^/]+/', pathNot: '/index\\.ts$' },
      to: { path: '^activities/' },
    },
    {
      name: 'no-activity-internals-outside',
      comment: 'api, worker, schedules and the rest reach activities through activities/index.ts only',
      severity: 'error',
      from: { path: project, pathNot: ['^activities/', '^workflows/', '^test/'] },
      to: { path: '^activities/.+/' },
    },
    {
      name: 'production-code-stays-out-of-dev-tooling',
      comment: 'dev/, bench/ and test/ are local tooling: nothing the service runs imports them',
      severity: 'error',
      from: {
        path: '^(contracts|domain|db|graph|net|engine|delivery|activities|workflows|api|worker|schedules|config|temporal|emulator)/',
      },
      to: { path: '^(dev|bench|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.data|\\.tools)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
