import { describe, expect, test } from 'vitest';
import { parseSafetensors, parseSafetensorsHeader, safetensorsHeaderLength, safetensorsLayout, writeSafetensors } from '../../../src/engine/safetensors';
import { resumeStateBytes, resumeStateFromTensors, resumeStateTensors } from '../../../src/persist/resumeTensors';
import type { ResumeState } from '../../../src/protocol/train';

const f32 = (...v: number[]) => Float32Array.from(v);

function state(over: Partial<ResumeState> = {}): ResumeState {
  return {
    step: 7, totalSteps: 30, epoch: 1, batch: 2, seed: 42, metric: 'accuracy', value: NaN,
    weights: { 'bert.a.weight': f32(1, 2, 3, 4), 'classifier.bias': f32(-1, 0.5) },
    optimizer: { step: 7, moments: { 'bert.a.weight': { m: f32(0.1, 0.2, 0.3, 0.4), v: f32(1e-3, 2e-3, 3e-3, 4e-3) } } },
    best: { step: 6, metric: 'accuracy', value: 0.75, weights: { 'bert.a.weight': f32(9, 8, 7, 6), 'classifier.bias': f32(3, 3) } },
    sinceImprovement: 1,
    pendingLoss: { sum: 1.25, steps: 2 },
    ...over,
  };
}

/** Through the bytes a file would hold: tensors written, header parsed, each tensor read back on its own. */
function roundTrip(r: ResumeState): ResumeState {
  const { tensors, metadata } = resumeStateTensors(r);
  const file = writeSafetensors(tensors, metadata);
  const parsed = parseSafetensors(file.slice().buffer);
  const values = new Map([...parsed.tensors].map(([n, t]) => [n, new Float32Array(t.bytes.slice().buffer)]));
  return resumeStateFromTensors(values, parsed.metadata);
}

describe('resume state as tensors', () => {
  test('round trip keeps every array and scalar, NaN included', () => {
    const r = state({ mixedPrecision: { scale: 1024, growthTracker: 3, schedulerSteps: 6 } });
    const back = roundTrip(r);
    expect(back.value).toBeNaN();
    expect({ ...back, value: 0 }).toEqual({ ...r, value: 0 });
  });

  test('best at the saved step (no own weights) and no best at all', () => {
    const same = state({ best: { step: 7, metric: 'accuracy', value: 0.8, weights: null } });
    expect(roundTrip(same).best).toEqual({ step: 7, metric: 'accuracy', value: 0.8, weights: null });
    expect(roundTrip(state({ best: null })).best).toBeNull();
    // Without best weights the file holds weights and both moments only.
    expect(resumeStateBytes(same)).toBe((4 + 2 + 4 + 4) * 4);
    expect(resumeStateBytes(state())).toBe((4 + 2 + 4 + 4 + 4 + 2) * 4);
  });

  test('missing moments and foreign files are refused', () => {
    const { tensors, metadata } = resumeStateTensors(state());
    const values = new Map(tensors.filter((t) => !t.name.startsWith('v/')).map((t) => [t.name, t.data]));
    expect(() => resumeStateFromTensors(values, metadata, 'r.safetensors')).toThrow('r.safetensors: AdamW moments of bert.a.weight are missing');
    expect(() => resumeStateFromTensors(new Map(), { format: 'pt' }, 'model.safetensors')).toThrow('not a resume state (format pt)');
  });
});

describe('safetensors layout for writing tensor by tensor', () => {
  test('header and offsets are those writeSafetensors writes', () => {
    const tensors = [
      { name: 'b', shape: [2, 3], data: f32(1, 2, 3, 4, 5, 6) },
      { name: 'a', shape: [1], data: f32(7) },
    ];
    const whole = writeSafetensors(tensors, { format: 'x' });
    const layout = safetensorsLayout(tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: 'F32' as const })), { format: 'x' });
    expect(layout.totalBytes).toBe(whole.byteLength);
    expect(whole.subarray(0, layout.header.byteLength)).toEqual(layout.header);
    const assembled = new Uint8Array(layout.totalBytes);
    assembled.set(layout.header);
    for (const t of layout.tensors) {
      const data = tensors.find((x) => x.name === t.name)!.data;
      assembled.set(new Uint8Array(data.buffer), t.begin);
    }
    expect(assembled).toEqual(whole);
  });

  test('piecewise header reading matches the whole-file parser and checks offsets against the size', () => {
    const whole = writeSafetensors([{ name: 'w', shape: [3], data: f32(1, 2, 3) }], { format: 'y' });
    const n = safetensorsHeaderLength(whole.subarray(0, 8), whole.byteLength);
    const header = parseSafetensorsHeader(whole.subarray(8, 8 + n), whole.byteLength);
    expect(header.metadata).toEqual({ format: 'y' });
    expect(header.tensors).toEqual([{ name: 'w', dtype: 'F32', shape: [3], begin: 8 + n, end: 8 + n + 12 }]);
    expect(() => parseSafetensorsHeader(whole.subarray(8, 8 + n), whole.byteLength - 4, 'cut.safetensors')).toThrow('cut.safetensors: tensor w (F32 [3]) has bad offsets [0, 12]');
    expect(() => safetensorsHeaderLength(whole.subarray(0, 8), 8 + n - 1, 'short')).toThrow('short: header length');
  });
});
