/**
 * `npm run device:pack [-- --force]`
 * Packs the device bench for a machine with a GPU driver and nothing else (no Node, no registry): into .device/
 *   bench.mjs      scripts/device/bench.ts with TF.js and our kernels inlined (esbuild, Node ESM)
 *   dawn.node.xz   Dawn's Node bindings (21.5 MB, 5 MB compressed), loaded from beside bench.mjs
 *   node.xz        this Node binary (99 MB, 24 MB compressed; reused while the Node version is the same)
 *   run.sh         unpacks them, finds the Vulkan driver, runs the bench with its arguments into $OUT
 * Everything is compressed because the whole working tree that travels to the device machine is capped
 * at 64 MiB, and the repo itself takes about 19 of those.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const outDir = join(root, '.device');
const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });

// webgpu/index.js finds dawn.node under its own dist/<platform>-<arch>/; in the bundle it sits beside bench.mjs.
const DAWN_PATH = "const dawnNodePath = join(__dirname, 'dist', `${process.platform}-${arch}`, 'dawn.node');";

const dawnBesideBundle: Plugin = {
  name: 'dawn-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]webgpu[\\/]index\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes(DAWN_PATH)) throw new Error(`webgpu/index.js no longer has the line pack.ts rewrites: ${DAWN_PATH}`);
      return { contents: src.replace(DAWN_PATH, "const dawnNodePath = join(__dirname, 'dawn.node');"), loader: 'js' };
    });
  },
};

// Files other work adds (scripts/device/optional.ts): bundled when present, an empty module when not.
const OPTIONAL = /[\\/]matmulBench\.ts$/;
const optionalModules: Plugin = {
  name: 'optional-modules',
  setup(b) {
    b.onResolve({ filter: OPTIONAL }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      return existsSync(path) ? undefined : { path, namespace: 'optional-missing' };
    });
    b.onLoad({ filter: /.*/, namespace: 'optional-missing' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

function xz(src: string, dest: string): void {
  // -T2: two cores here. Written to a .part file first so an interrupted pack leaves no truncated archive.
  const fd = openSync(`${dest}.part`, 'w');
  try {
    execFileSync('xz', ['-6', '-T2', '-c', src], { stdio: ['ignore', fd, 'inherit'] });
  } finally {
    closeSync(fd);
  }
  renameSync(`${dest}.part`, dest);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'scripts/device/bench.ts')],
    outfile: join(outDir, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Whitespace only: stack traces from the device keep their names.
    minifyWhitespace: true,
    legalComments: 'none',
    // TF.js's Node build is CommonJS and calls require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; globalThis.require ??= __createRequire(import.meta.url);" },
    alias: { 'onnxruntime-web/webgpu': join(root, 'src/tokenize/no-onnxruntime.ts') },
    plugins: [dawnBesideBundle, optionalModules],
    logLevel: 'warning',
    metafile: true,
  });
  const missing = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('optional-missing:'));
  for (const p of missing) console.log(`not bundled (absent): ${p.replace('optional-missing:', '')}`);

  const dawn = join(root, 'node_modules/webgpu/dist/linux-x64/dawn.node');
  if (!existsSync(dawn)) throw new Error(`${dawn} is missing: npm install (webgpu is a devDependency)`);
  xz(dawn, join(outDir, 'dawn.node.xz'));

  // The Node binary changes only with the Node version: recompressing it takes half a minute.
  const stamp = join(outDir, 'node.version');
  const nodeXz = join(outDir, 'node.xz');
  if (values.force || !existsSync(nodeXz) || !existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== process.version) {
    console.log(`compressing ${process.execPath} (${process.version})...`);
    xz(process.execPath, nodeXz);
    writeFileSync(stamp, `${process.version}\n`);
  }
  copyFileSync(join(root, 'scripts/device/run.sh'), join(outDir, 'run.sh'));
  chmodSync(join(outDir, 'run.sh'), 0o755);

  let total = 0;
  for (const f of readdirSync(outDir).sort()) {
    const size = statSync(join(outDir, f)).size;
    total += size;
    console.log(`${(size / 2 ** 20).toFixed(1).padStart(6)} MiB  .device/${f}`);
  }
  console.log(`${(total / 2 ** 20).toFixed(1).padStart(6)} MiB  in all`);
}

main().catch((e) => {
  console.error(`device:pack: ${(e as Error).message}`);
  process.exit(1);
});
