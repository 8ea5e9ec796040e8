/**
 * The autotuner on real WebGPU: it keeps the variant that measured faster, remembers it per adapter and shape
 * in IndexedDB (a second tuning reads the cache instead of measuring), measures again when asked to, does
 * nothing in a forced mode, and the ops then run the chosen variant.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { autotune, describeTuning, type TuneTrial } from '../../../src/engine/kernels/autotune.ts';
import { clearChoices, kernelChoices, reductionVariant, setKernelMode, type Variant } from '../../../src/engine/kernels/select.ts';
import { clearTuneCache, loadChoices } from '../../../src/engine/kernels/tuneCache.ts';
import { webgpu } from '../setup.ts';

beforeAll(webgpu);

afterEach(async () => {
  setKernelMode('auto');
  clearChoices();
  await clearTuneCache();
});

/** A trial whose `slow` variant does ~20× the GPU work of the other (a chain of 128×128 matmuls). */
function rigged(op: string, slow: Variant, fast: Variant, seen: Variant[]): TuneTrial {
  return {
    op,
    key: '128x128',
    variants: [slow, fast],
    inputs: () => [tf.randomUniform([128, 128])],
    run: ([x]) => {
      const v = reductionVariant(op, '128x128');
      seen.push(v);
      let y: tf.Tensor = x;
      for (let i = 0; i < (v === slow ? 20 : 1); i++) y = tf.matMul(y, x);
      return y;
    },
  };
}

describe('autotune', () => {
  test('keeps the faster variant, in both orders, and every command buffer it submits is valid', async () => {
    const device = (tf.backend() as WebGPUBackend).device;
    for (const [slow, fast] of [['flat', 'workgroup'], ['workgroup', 'flat']] as [Variant, Variant][]) {
      clearChoices();
      const seen: Variant[] = [];
      device.pushErrorScope('validation');
      const tensorsBefore = tf.memory().numTensors;
      const report = await autotune('test-adapter', [rigged('layerNorm', slow, fast, seen)], { fresh: true, persist: false, reps: 2 });
      // Inputs are made once per trial and disposed with every run's outputs.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      // Submitting with a compute pass still open drops the whole command buffer (a validation error).
      expect(await device.popErrorScope()).toBeNull();
      expect(report.entries).toHaveLength(1);
      const e = report.entries[0];
      expect(e.chosen).toBe(fast);
      expect(e.ms[slow]!).toBeGreaterThan(e.ms[fast]!);
      expect(e.cached).toBe(false);
      // Each variant: one warm-up and two timed runs, and the op saw the variant being measured.
      expect(seen.filter((v) => v === slow)).toHaveLength(3);
      expect(seen.filter((v) => v === fast)).toHaveLength(3);
      expect(reductionVariant('layerNorm', '128x128')).toBe(fast);
      expect(kernelChoices()).toEqual([{ op: 'layerNorm', key: '128x128', variant: fast }]);
      expect(describeTuning(report)[0]).toMatch(new RegExp(`^layerNorm 128x128: ${fast} \\(`));
    }
  });

  test('caches the choice per adapter in IndexedDB; fresh measures again', async () => {
    const seen: Variant[] = [];
    await autotune('adapter-A', [rigged('softmax', 'flat', 'workgroup', seen)], { reps: 1 });
    expect((await loadChoices('adapter-A')).get('softmax|128x128')).toBe('workgroup');
    expect((await loadChoices('adapter-B')).size).toBe(0);

    clearChoices();
    seen.length = 0;
    const again = await autotune('adapter-A', [rigged('softmax', 'flat', 'workgroup', seen)], { reps: 1 });
    expect(again.entries[0]).toMatchObject({ chosen: 'workgroup', cached: true, ms: {} });
    expect(seen).toHaveLength(0);
    expect(reductionVariant('softmax', '128x128')).toBe('workgroup');

    const fresh = await autotune('adapter-A', [rigged('softmax', 'flat', 'workgroup', seen)], { reps: 1, fresh: true });
    expect(fresh.entries[0].cached).toBe(false);
    expect(seen.length).toBeGreaterThan(0);
  });

  test('a forced mode tunes nothing and overrides every choice', async () => {
    for (const mode of ['flat', 'workgroup', 'tfjs'] as const) {
      setKernelMode(mode);
      const seen: Variant[] = [];
      const report = await autotune('test-adapter', [rigged('columnSum', 'flat', 'workgroup', seen)], { persist: false });
      expect(report.entries).toEqual([]);
      expect(seen).toEqual([]);
    }
    setKernelMode('workgroup');
    expect(reductionVariant('columnSum', '128x128')).toBe('workgroup');
    setKernelMode('flat');
    expect(reductionVariant('columnSum', '128x128')).toBe('flat');
  });
});
