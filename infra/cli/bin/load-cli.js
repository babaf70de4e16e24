// Loads the CLI's TypeScript quickly. Through tsx's loader every one of its ~150 modules is
// resolved and transformed one by one on each start; a bundle of them (esbuild, one file per
// command, third-party packages left to Node) loads in a fraction of that. The bundle is
// built on first use and again whenever one of its sources changes, so there is no build step
// to forget; when it cannot be built or read, tsx's loader runs the sources as before.
// TXNFLOW_CLI_BUNDLE=off always uses tsx's loader.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRY = join(ROOT, 'infra', 'cli', 'main.ts');
const CACHE = join(ROOT, 'node_modules', '.cache', 'txnflow-cli');
const MANIFEST = join(CACHE, 'manifest.json');
/** Bumped when the way bundles are built changes, so older ones are built again. */
const FORMAT = 1;
/** Bundles older than this, and no longer the current one, are removed by the next build. */
const KEEP_OLD_MS = 60 * 60 * 1000;

/** What the bundle depends on besides its inputs: how packages resolve and compile. */
function configFiles() {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const workspaces = Array.isArray(root.workspaces) ? root.workspaces : [];
  return ['package.json', 'tsconfig.json', ...workspaces.map((w) => join(w, 'package.json'))];
}

/** A file's identity for staleness: its modification time and size, as make would use. */
function stamp(file) {
  const info = statSync(join(ROOT, file), { throwIfNoEntry: false });
  return info ? [info.mtimeMs, info.size] : null;
}

/** The bundle the manifest names, when every file it was built from is unchanged. */
function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT || manifest.node !== process.version) return undefined;
  for (const [file, known] of Object.entries(manifest.files)) {
    const now = stamp(file);
    if (!now || now[0] !== known[0] || now[1] !== known[1]) return undefined;
  }
  return join(CACHE, manifest.bundle, 'main.js');
}

/** esbuild plugin: third-party packages stay imports (Node loads them); workspaces are bundled. */
const externals = {
  name: 'txnflow-externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@txnflow/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** esbuild plugin: `import.meta.url` keeps naming the source file, not the bundle. */
const sourceUrls = {
  name: 'txnflow-source-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Builds the bundle into a folder of its own and makes it current; returns its entry. */
async function buildBundle() {
  const { build } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  const name = `bundle-${Date.now()}-${process.pid}`;
  const outdir = join(CACHE, name);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: ENTRY },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [externals, sourceUrls],
  });
  const sources = Object.keys(result.metafile.inputs).map((f) => relative(ROOT, resolve(ROOT, f)));
  const files = Object.fromEntries(
    [...sources, ...configFiles()].map((file) => [file, stamp(file)]),
  );
  const manifest = { format: FORMAT, node: process.version, bundle: name, files };
  const temp = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(manifest));
  renameSync(temp, MANIFEST);
  removeOldBundles(name);
  return join(outdir, 'main.js');
}

/** Removes bundles an hour old that are not current: a process may still be reading one. */
function removeOldBundles(current) {
  for (const entry of readdirSync(CACHE)) {
    if (!entry.startsWith('bundle-') || entry === current) continue;
    const dir = join(CACHE, entry);
    const info = statSync(dir, { throwIfNoEntry: false });
    if (info && Date.now() - info.mtimeMs > KEEP_OLD_MS)
      rmSync(dir, { recursive: true, force: true });
  }
}

async function loadWithTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('../main.ts');
}

/**
 * The CLI's `main`, from the bundle when it can be built or is fresh, from tsx otherwise.
 *
 * @example const { main } = await loadCli();
 */
async function loadCli() {
  if (process.env.TXNFLOW_CLI_BUNDLE === 'off') return loadWithTsx();
  let entry;
  try {
    entry = freshBundle() ?? (await buildBundle());
  } catch (error) {
    if (process.env.TXNFLOW_DEBUG)
      process.stderr.write(`txnflow: no bundle (${error}); tsx runs the sources\n`);
    return loadWithTsx();
  }
  return import(pathToFileURL(entry).href);
}

export { loadCli };
