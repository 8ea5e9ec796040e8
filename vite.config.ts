/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { findChrome, WEBGPU_ARGS } from './scripts/lib/chromium.ts';

const isGpuRun = process.argv.some((a) => a.includes('gpu'));

/** The dev server's HMR needs inline scripts and a websocket: the CSP of index.html applies to builds only. */
const cspForBuildsOnly = {
  name: 'csp-for-builds-only',
  apply: 'serve' as const,
  transformIndexHtml: (html: string) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
};

/** Vitest browser mode in headless Chromium with real WebGPU (SwiftShader where there is no GPU). */
function gpuProject(name: string, include: string[], exclude: string[]): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name,
      include,
      exclude,
      testTimeout: 1_800_000,
      hookTimeout: 120_000,
      fileParallelism: false,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          launchOptions: isGpuRun ? { executablePath: findChrome(), args: WEBGPU_ARGS } : {},
        }),
        instances: [{ browser: 'chromium' as const }],
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), cspForBuildsOnly],
  // transformers.js serves us tokenizers only: ONNX Runtime (27 MB of wasm) is replaced by an empty module.
  resolve: {
    alias: [{ find: /^onnxruntime-web\/webgpu$/, replacement: fileURLToPath(new URL('./src/tokenize/no-onnxruntime.ts', import.meta.url)) }],
  },
  worker: { format: 'es' },
  // Pre-bundled up front: a dependency discovered mid-test makes Vite reload the page under the test.
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@huggingface/transformers'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        // Node tests that drive the CLIs end to end (they start headless Chromium themselves).
        extends: true,
        test: {
          name: 'cli',
          include: ['tests/cli/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // The studio page end to end: builds, serves dist/ and drives headless Chromium (tests/e2e).
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 1_200_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // `npm run test:slow`: large generated inputs (a 500 MB JSONL), not part of npm test.
        extends: true,
        test: { name: 'slow', include: ['tests/slow/**/*.test.ts'], environment: 'node', testTimeout: 3_600_000 },
      },
      gpuProject('gpu', ['tests/gpu/**/*.test.ts'], []),
    ],
  },
});
