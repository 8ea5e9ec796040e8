/**
 * The kernel modes and variant names (see select.ts), without TF.js: the page's main thread parses
 * `?kernels=` with these and never loads TF.js itself.
 */
export const KERNEL_MODES = ['auto', 'flat', 'workgroup', 'tfjs'] as const;
export type KernelMode = (typeof KERNEL_MODES)[number];
export type ReductionVariant = 'flat' | 'workgroup';
export type MatmulVariant = 'ours' | 'tfjs';
export type Variant = ReductionVariant | MatmulVariant;

export const REDUCTION_VARIANTS: readonly ReductionVariant[] = ['flat', 'workgroup'];
export const MATMUL_VARIANTS: readonly MatmulVariant[] = ['ours', 'tfjs'];

/** Parses a `--kernels` / `?kernels=` value; undefined, null or '' means auto. */
export function parseKernelMode(value: string | null | undefined): KernelMode {
  if (value === undefined || value === null || value === '') return 'auto';
  if ((KERNEL_MODES as readonly string[]).includes(value)) return value as KernelMode;
  throw new Error(`kernels: "${value}" is not one of ${KERNEL_MODES.join(', ')}`);
}
