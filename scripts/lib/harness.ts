/**
 * Drives the app's own modules inside headless Chromium with WebGPU: a Vite dev server serves the
 * repo (TypeScript compiled on the fly) plus any extra folders, and Playwright opens a blank page in
 * which scripts `import()` modules from /src and run them on the GPU.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { findChrome, WEBGPU_ARGS } from './chromium.ts';

export interface Harness {
  page: Page;
  /** Origin of the dev server, e.g. http://127.0.0.1:5199 */
  origin: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = { '.json': 'application/json', '.txt': 'text/plain; charset=utf-8' };

/** `mounts` maps URL prefixes (e.g. `/@fixtures/`) to directories served as static files. */
export async function startHarness(mounts: Record<string, string> = {}): Promise<Harness> {
  const root = resolve(import.meta.dirname, '../..');
  const server: ViteDevServer = await createServer({
    root,
    configFile: false,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: {
      // Pre-bundle up front: discovering a dependency mid-run makes Vite reload the page under our feet.
      entries: ['src/parity/browserEntry.ts', 'src/bench/browserEntry.ts'],
      include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'],
    },
    plugins: [
      {
        name: 'studio-static-mounts',
        configureServer(s) {
          s.middlewares.use((req, res, next) => {
            const url = decodeURIComponent((req.url ?? '').split('?')[0]);
            for (const [prefix, dir] of Object.entries(mounts)) {
              if (!url.startsWith(prefix)) continue;
              const file = join(dir, url.slice(prefix.length));
              if (!file.startsWith(resolve(dir)) || !existsSync(file) || !statSync(file).isFile()) {
                res.statusCode = 404;
                res.end('not found');
                return;
              }
              res.setHeader('content-type', MIME[extname(file)] ?? 'application/octet-stream');
              createReadStream(file).pipe(res);
              return;
            }
            next();
          });
        },
      },
    ],
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('dev server has no address');
  const origin = `http://127.0.0.1:${address.port}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: findChrome(), headless: true, args: WEBGPU_ARGS });
  } catch (e) {
    await server.close();
    throw e;
  }
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  await page.goto(`${origin}/scripts/browser/harness.html`);
  const hasGpu = await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
  if (!hasGpu) {
    await browser.close();
    await server.close();
    throw new Error('Chromium started but exposes no WebGPU adapter (check the SwiftShader/Vulkan flags)');
  }
  return {
    page,
    origin,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
