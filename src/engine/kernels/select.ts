/**
 * Which program each fused op runs. Every op in this folder has (at least) two shapes of kernel:
 *   - 'flat': barrier-free, one invocation per row / column (program.ts). Fast on software adapters
 *     (SwiftShader: every workgroupBarrier is a fibre switch per invocation), slow on real GPUs.
 *   - 'workgroup': one workgroup per row or column tile, shared-memory reductions, coalesced loads.
 *     The fast shape on real GPUs.
 * and the matmuls run either our register-tiled WGSL ('ours', matmul.ts) or TF.js's ('tfjs').
 *
 * The mode comes from the user (`?kernels=` on the page, `--kernels` on every CLI):
 *   auto      — per op and shape, what the autotuner measured on this adapter (autotune.ts); untuned
 *               shapes take the adapter's default (flat + ours on a software adapter, workgroup + tfjs
 *               on a real GPU)
 *   flat      — every reduction flat, matmuls ours
 *   workgroup — every reduction workgroup, matmuls ours
 *   tfjs      — the plain TF.js ops, none of our kernels (the reference every variant is tested against)
 *
 * Ops ask `reductionVariant(op, key)` / `matmulVariant(op, key)` each time they run, with `key` a string
 * of the dimensions that decide speed; the autotuner records its choices under the same keys.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelMode, MatmulVariant, ReductionVariant, Variant } from './modes.ts';

export { KERNEL_MODES, MATMUL_VARIANTS, parseKernelMode, REDUCTION_VARIANTS } from './modes.ts';
export type { KernelMode, MatmulVariant, ReductionVariant, Variant } from './modes.ts';

let mode: KernelMode = 'auto';
let softwareAdapter = true;
const choices = new Map<string, Variant>();

export function setKernelMode(m: KernelMode): void {
  mode = m;
}

export function kernelMode(): KernelMode {
  return mode;
}

/** Whether ops should run our WebGPU kernels: on the webgpu backend unless the mode is 'tfjs'. */
export function useFused(): boolean {
  return mode !== 'tfjs' && tf.getBackend() === 'webgpu';
}

/** The default for shapes the autotuner has not measured: a guess from the kind of adapter. */
export function setSoftwareAdapter(isSoftware: boolean): void {
  softwareAdapter = isSoftware;
}

export function isSoftwareAdapter(): boolean {
  return softwareAdapter;
}

const choiceKey = (op: string, key: string) => `${op}|${key}`;

export function reductionVariant(op: string, key: string): ReductionVariant {
  if (mode === 'flat' || mode === 'workgroup') return mode;
  const c = choices.get(choiceKey(op, key));
  if (c === 'flat' || c === 'workgroup') return c;
  return softwareAdapter ? 'flat' : 'workgroup';
}

export function matmulVariant(op: string, key: string): MatmulVariant {
  if (mode === 'flat' || mode === 'workgroup') return 'ours';
  if (mode === 'tfjs') return 'tfjs';
  const c = choices.get(choiceKey(op, key));
  if (c === 'ours' || c === 'tfjs') return c;
  return softwareAdapter ? 'ours' : 'tfjs';
}

/** Sets (autotuner, tests) or clears (variant undefined) the choice for one op and shape. */
export function setChoice(op: string, key: string, variant: Variant | undefined): void {
  if (variant === undefined) choices.delete(choiceKey(op, key));
  else choices.set(choiceKey(op, key), variant);
}

export function clearChoices(): void {
  choices.clear();
}

export interface KernelChoice {
  op: string;
  key: string;
  variant: Variant;
}

/** Every recorded choice, sorted by op then shape. */
export function kernelChoices(): KernelChoice[] {
  return [...choices]
    .map(([k, variant]) => {
      const i = k.indexOf('|');
      return { op: k.slice(0, i), key: k.slice(i + 1), variant };
    })
    .sort((a, b) => (a.op === b.op ? a.key.localeCompare(b.key) : a.op.localeCompare(b.op)));
}
