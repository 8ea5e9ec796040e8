import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { findChrome, WEBGPU_ARGS } from '../../scripts/lib/chromium';

let server: ViteDevServer;
let origin = '';
const shots = 'test-results/app-shell';

beforeAll(async () => {
  server = await createServer({ server: { host: '127.0.0.1', port: 0, hmr: false }, logLevel: 'error' });
  await server.listen();
  const addr = server.httpServer!.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  mkdirSync(shots, { recursive: true });
}, 120_000);
afterAll(() => server?.close());

test('the page reports the WebGPU adapter', async () => {
  const browser = await chromium.launch({ executablePath: findChrome(), args: WEBGPU_ARGS });
  const page = await browser.newPage();
  await page.goto(origin);
  const panel = page.getByTestId('adapter');
  await panel.waitFor({ timeout: 60_000 });
  await expect(panel.textContent()).resolves.toMatch(/Vendor\s*google.*Architecture\s*swiftshader.*shader-f16/s);
  await page.screenshot({ path: `${shots}/adapter.png`, fullPage: true });
  await browser.close();
});

test('without WebGPU the page says how to get it', async () => {
  const browser = await chromium.launch({
    executablePath: findChrome(),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-features=WebGPU'],
  });
  const page = await browser.newPage();
  await page.goto(origin);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  await expect(alert.textContent()).resolves.toMatch(/WebGPU is not available.*Chrome or Edge 113\+/s);
  await page.screenshot({ path: `${shots}/no-webgpu.png`, fullPage: true });
  await browser.close();
});
