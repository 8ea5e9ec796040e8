/**
 * A ResumeState as named tensors plus a small JSON description, so it can be written as one safetensors file
 * tensor by tensor (src/persist/opfs.ts) and read back the same way. Pure: runs in Node tests too.
 * Names: `w/<var>` weights, `m/<var>` and `v/<var>` AdamW moments, `best/<var>` best weights when they differ.
 */
import type { ResumeState } from '../protocol/train';

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Everything but the arrays. JSON has no NaN (an unevaluated point's value is NaN), so non-finite numbers travel as strings. */
type ResumeScalars = Omit<ResumeState, 'weights' | 'optimizer' | 'best'> & {
  optimizerStep: number;
  moments: string[];
  best: { step: number; metric: string; value: number; ownWeights: boolean } | null;
};

export const RESUME_FORMAT = 'studio-resume-1';

const nonFinite = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const backToNumber = (_key: string, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v);

/** Flat shapes: the trainer restores by variable, whose shape it knows; the file needs only the lengths. */
export function resumeStateTensors(r: ResumeState): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  const tensors: NamedTensor[] = [];
  const add = (prefix: string, values: Record<string, Float32Array>) => {
    for (const [name, data] of Object.entries(values)) tensors.push({ name: `${prefix}/${name}`, shape: [data.length], data });
  };
  add('w', r.weights);
  for (const [name, s] of Object.entries(r.optimizer.moments)) {
    tensors.push({ name: `m/${name}`, shape: [s.m.length], data: s.m }, { name: `v/${name}`, shape: [s.v.length], data: s.v });
  }
  if (r.best?.weights) add('best', r.best.weights);
  const { weights: _w, optimizer, best, ...rest } = r;
  const scalars: ResumeScalars = {
    ...rest,
    optimizerStep: optimizer.step,
    moments: Object.keys(optimizer.moments),
    best: best ? { step: best.step, metric: best.metric, value: best.value, ownWeights: best.weights !== null } : null,
  };
  return { tensors, metadata: { format: RESUME_FORMAT, state: JSON.stringify(scalars, nonFinite) } };
}

/** The inverse: `tensors` maps the file's names to their values (each read on its own). */
export function resumeStateFromTensors(tensors: ReadonlyMap<string, Float32Array>, metadata: Record<string, string>, fileName = 'resume state'): ResumeState {
  if (metadata.format !== RESUME_FORMAT || typeof metadata.state !== 'string') throw new Error(`${fileName}: not a resume state (format ${metadata.format ?? 'missing'})`);
  const { optimizerStep, moments: momentNames, best, ...rest } = JSON.parse(metadata.state, backToNumber) as ResumeScalars;
  const group = (prefix: string) => {
    const out: Record<string, Float32Array> = {};
    for (const [name, data] of tensors) if (name.startsWith(`${prefix}/`)) out[name.slice(prefix.length + 1)] = data;
    return out;
  };
  const moments: ResumeState['optimizer']['moments'] = {};
  for (const name of momentNames) {
    const m = tensors.get(`m/${name}`);
    const v = tensors.get(`v/${name}`);
    if (!m || !v) throw new Error(`${fileName}: AdamW moments of ${name} are missing`);
    moments[name] = { m, v };
  }
  return {
    ...rest,
    weights: group('w'),
    optimizer: { step: optimizerStep, moments },
    best: best ? { step: best.step, metric: best.metric, value: best.value, weights: best.ownWeights ? group('best') : null } : null,
  };
}

/** Bytes of the arrays a resume state holds (what its file weighs, give or take the header). */
export function resumeStateBytes(r: ResumeState): number {
  return resumeStateTensors(r).tensors.reduce((n, t) => n + t.data.byteLength, 0);
}
