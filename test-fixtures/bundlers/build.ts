/**
 * Bundles the tiny app in test-fixtures/bundlers/app with Vite, esbuild, rollup or webpack, the
 * way an application would: `wampkit` is a dependency in the app's node_modules (a link to
 * packages/wampkit, so its compiled dist/ and export conditions are used, as after `npm install`),
 * and each bundler gets only an entry and an output folder (rollup: plus node-resolve, without
 * which it cannot find packages at all). Needs `pnpm exec tsc -b` first (the packages' dist/).
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLERS = ['vite', 'esbuild', 'rollup', 'webpack'] as const;
export type BundlerName = (typeof BUNDLERS)[number];

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
const wampkitPackage = join(repoRoot, 'packages', 'wampkit');

export interface BuiltApp {
  bundler: BundlerName;
  /** Folder with index.html and the bundle: serve it as the document root. */
  outDir: string;
  /** Every emitted .js file, relative to outDir. */
  jsFiles: string[];
}

/** Which app: `full` imports `wampkit` (src/main.js), `basic` imports `wampkit/basic` (src/main-basic.js). */
export type AppName = 'full' | 'basic';

/** A copy of the app with `wampkit` installed (linked) in its node_modules. */
async function makeProject(app: AppName): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'wampkit-app-'));
  await cp(join(here, 'app'), project, { recursive: true });
  // Every bundler (and Vite's index.html) starts at src/main.js.
  if (app === 'basic')
    await cp(join(here, 'app', 'src', 'main-basic.js'), join(project, 'src', 'main.js'));
  await mkdir(join(project, 'node_modules'));
  await symlink(wampkitPackage, join(project, 'node_modules', 'wampkit'), 'dir');
  return project;
}

const classicPage = (script: string) =>
  `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title><script src="${script}"></script>\n`;
const modulePage = (script: string) =>
  `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title><script type="module" src="${script}"></script>\n`;

async function runBundler(bundler: BundlerName, project: string, outDir: string): Promise<void> {
  const entry = join(project, 'src', 'main.js');
  switch (bundler) {
    case 'vite': {
      const { build } = await import('vite');
      await build({
        root: project,
        configFile: false,
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true },
      });
      return;
    }
    case 'esbuild': {
      const { build } = await import('esbuild');
      await build({ entryPoints: [entry], bundle: true, outdir: outDir, logLevel: 'warning' });
      await writeFile(join(outDir, 'index.html'), classicPage('main.js'));
      return;
    }
    case 'rollup': {
      const { rollup } = await import('rollup');
      const { nodeResolve } = await import('@rollup/plugin-node-resolve');
      const bundle = await rollup({ input: entry, plugins: [nodeResolve()] });
      await bundle.write({ dir: outDir, format: 'es' });
      await bundle.close();
      await writeFile(join(outDir, 'index.html'), modulePage('main.js'));
      return;
    }
    case 'webpack': {
      const { default: webpack } = await import('webpack');
      const stats = await new Promise<import('webpack').Stats | undefined>((resolve, reject) => {
        webpack(
          {
            mode: 'production',
            context: project,
            entry: './src/main.js',
            output: { path: outDir },
          },
          (err, result) => (err ? reject(err) : resolve(result)),
        );
      });
      if (stats?.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
      await writeFile(join(outDir, 'index.html'), classicPage('main.js'));
      return;
    }
  }
}

async function listJs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Bundles the app (`full` or `basic`) with `bundler` into `outDir` (emptied first). */
export async function bundleApp(
  bundler: BundlerName,
  outDir: string,
  app: AppName = 'full',
): Promise<BuiltApp> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const project = await makeProject(app);
  try {
    await runBundler(bundler, project, outDir);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
  return { bundler, outDir, jsFiles: await listJs(outDir) };
}

/** Node built-ins a bundle must never import or require (`node:x` or a bare core name). */
const NODE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](node:[\w/]+|fs|path|os|net|tls|http|https|crypto|zlib|stream|buffer|events|url|util|child_process|worker_threads)["']/g;

/** Node built-in specifiers imported or required anywhere in the emitted JavaScript. */
export async function nodeImportsIn(app: BuiltApp): Promise<string[]> {
  const found: string[] = [];
  for (const file of app.jsFiles) {
    const text = await readFile(join(app.outDir, file), 'utf8');
    for (const m of text.matchAll(NODE_IMPORT)) found.push(`${file}: ${m[1]}`);
  }
  return found;
}
