// The layers of src/, lowest first: a folder may import its own layer and the ones below it,
// never one above. So no two folders can import each other, and an import that would close a
// cycle between folders fails `npm run check:layers` (run by .ci/run). See README, Layout.
const LAYERS = ['core', 'formats', 'fs', 'store', 'providers', 'runs', 'config', 'history', 'dispatch', 'transfer', 'adapters', 'serve', 'cli'];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-a-layer-above`,
  comment: `src/${layer} may import only ${LAYERS.slice(0, i + 1).join(', ')}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'provider-imports-another-provider',
      comment: 'a provider type is one module: it may not reach into another type\'s folder',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/' },
      to: { path: '^src/providers/[^/]+/', pathNot: '^src/providers/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between modules either',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'only-index-imports-the-entry',
      severity: 'error',
      from: { path: '^src/.+/' },
      to: { path: '^src/index\\.ts$' },
    },
  ],
  options: {
    // swc parses the TypeScript sources, type-only imports included (dependency-cruiser's own
    // TypeScript support stops before TypeScript 7).
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
