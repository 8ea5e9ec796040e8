/** Kernel modes as the CLIs and the page parse them, and how a mode decides each op's variant. */
import { afterEach, describe, expect, test } from 'vitest';
import { parseKernelMode } from '../../../src/engine/kernels/modes.ts';
import { clearChoices, kernelChoices, matmulVariant, reductionVariant, setChoice, setKernelMode, setSoftwareAdapter } from '../../../src/engine/kernels/select.ts';
import { parseTrainArgs, UsageError } from '../../../scripts/train.ts';

afterEach(() => {
  setKernelMode('auto');
  setSoftwareAdapter(true);
  clearChoices();
});

describe('kernel modes', () => {
  test('parse: the four modes, empty = auto, anything else named', () => {
    for (const m of ['auto', 'flat', 'workgroup', 'tfjs'] as const) expect(parseKernelMode(m)).toBe(m);
    expect(parseKernelMode(undefined)).toBe('auto');
    expect(parseKernelMode(null)).toBe('auto');
    expect(parseKernelMode('')).toBe('auto');
    expect(() => parseKernelMode('fast')).toThrow('kernels: "fast" is not one of auto, flat, workgroup, tfjs');
  });

  test('auto: a recorded choice wins, else the adapter default (flat + ours on software, workgroup + tfjs on a GPU)', () => {
    expect(reductionVariant('layerNorm', '8x4')).toBe('flat');
    expect(matmulVariant('matmul.AB', '1x8x4x4')).toBe('ours');
    setSoftwareAdapter(false);
    expect(reductionVariant('layerNorm', '8x4')).toBe('workgroup');
    expect(matmulVariant('matmul.AB', '1x8x4x4')).toBe('tfjs');
    setChoice('layerNorm', '8x4', 'flat');
    setChoice('matmul.AB', '1x8x4x4', 'ours');
    expect(reductionVariant('layerNorm', '8x4')).toBe('flat');
    expect(reductionVariant('layerNorm', '16x4')).toBe('workgroup');
    expect(matmulVariant('matmul.AB', '1x8x4x4')).toBe('ours');
    expect(kernelChoices()).toEqual([
      { op: 'layerNorm', key: '8x4', variant: 'flat' },
      { op: 'matmul.AB', key: '1x8x4x4', variant: 'ours' },
    ]);
    setChoice('layerNorm', '8x4', undefined);
    expect(kernelChoices()).toHaveLength(1);
  });

  test('forced modes override recorded choices', () => {
    setChoice('layerNorm', '8x4', 'flat');
    setChoice('matmul.AB', '1x8x4x4', 'tfjs');
    setKernelMode('workgroup');
    expect(reductionVariant('layerNorm', '8x4')).toBe('workgroup');
    expect(matmulVariant('matmul.AB', '1x8x4x4')).toBe('ours');
    setKernelMode('flat');
    expect(reductionVariant('layerNorm', '8x4')).toBe('flat');
    expect(matmulVariant('matmul.AB', '1x8x4x4')).toBe('ours');
    setKernelMode('tfjs');
    expect(matmulVariant('matmul.AB', '1x8x4x4')).toBe('tfjs');
  });

  test('npm run train --kernels', () => {
    const base = ['--data', 'package.json', '--model', 'public', '--out', '/tmp/x'];
    expect(parseTrainArgs(base).kernels).toBe('auto');
    expect(parseTrainArgs([...base, '--kernels', 'workgroup']).kernels).toBe('workgroup');
    expect(() => parseTrainArgs([...base, '--kernels', 'gpu'])).toThrow(UsageError);
    expect(() => parseTrainArgs([...base, '--kernels', 'gpu'])).toThrow('--kernels: "gpu" is not one of');
  });
});

test('npm run train --init: pretrained by default, random on request, anything else refused', () => {
  const base = ['--data', 'package.json', '--model', 'public', '--out', '/tmp/x'];
  expect(parseTrainArgs(base).init).toBe('pretrained');
  expect(parseTrainArgs([...base, '--init', 'random']).init).toBe('random');
  expect(() => parseTrainArgs([...base, '--init', 'zeros'])).toThrow('--init must be pretrained or random (got zeros)');
});
