/**
 * GradScaler replayed on the CPU against torch.cuda.amp.GradScaler's rules (torch._amp_update_scale_ and the
 * Trainer's `optimizer_was_run = scale_before <= scale_after`), with the expected sequences written out.
 */
import { describe, expect, test } from 'vitest';
import { GradScaler, TORCH_GRAD_SCALER } from '../../../src/train/gradScaler';

/** The scale each step ran with, whether its optimizer ran, and the state after the last step. */
function replay(scaler: GradScaler, foundInf: boolean[]) {
  const scales: number[] = [];
  const ran: boolean[] = [];
  for (const inf of foundInf) {
    scales.push(scaler.scale);
    ran.push(scaler.update(inf));
  }
  return { scales, ran, after: scaler.state() };
}

describe('GradScaler', () => {
  test('torch defaults: 2^16, ×2 after 2000 clean steps in a row, ×0.5 on inf/NaN', () => {
    expect(TORCH_GRAD_SCALER).toEqual({ initScale: 65536, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000 });
    const s = new GradScaler();
    const clean = replay(s, new Array(1999).fill(false));
    expect(new Set(clean.scales)).toEqual(new Set([65536]));
    expect(clean.ran.every(Boolean)).toBe(true);
    expect(clean.after).toEqual({ scale: 65536, growthTracker: 1999 });
    expect(s.update(false)).toBe(true); // the 2000th
    expect(s.state()).toEqual({ scale: 131072, growthTracker: 0 });
    expect(s.update(true)).toBe(false); // skipped: the LR scheduler must not step
    expect(s.state()).toEqual({ scale: 65536, growthTracker: 0 });
  });

  test('an overflow resets the count: growth needs growthInterval fresh clean steps', () => {
    const s = new GradScaler();
    replay(s, [...new Array(1500).fill(false), true, ...new Array(1999).fill(false)]);
    expect(s.state()).toEqual({ scale: 32768, growthTracker: 1999 });
    s.update(false);
    expect(s.state()).toEqual({ scale: 65536, growthTracker: 0 });
  });

  test('a mixed sequence, step by step (initScale 8, growthInterval 3)', () => {
    const r = replay(new GradScaler({ initScale: 8, growthInterval: 3 }), [true, true, false, false, false, false, true, false, false, false]);
    expect(r.scales).toEqual([8, 4, 2, 2, 2, 4, 4, 2, 2, 2]);
    expect(r.ran).toEqual([false, false, true, true, true, true, false, true, true, true]);
    expect(r.after).toEqual({ scale: 4, growthTracker: 0 });
  });

  test('the scale is a float32: rounded on every update, and never grown to inf', () => {
    const s = new GradScaler({ initScale: 0.1, growthInterval: 1 });
    expect(s.scale).toBe(Math.fround(0.1));
    s.update(false);
    expect(s.scale).toBe(Math.fround(Math.fround(0.1) * 2));
    const top = new GradScaler({ initScale: 2 ** 127, growthInterval: 1 });
    expect(top.update(false)).toBe(true);
    expect(top.state()).toEqual({ scale: 2 ** 127, growthTracker: 0 }); // 2^128 overflows float32: not taken
    const bottom = new GradScaler({ initScale: 2 ** -149 });
    bottom.update(true);
    expect(bottom.scale).toBe(0); // half the smallest subnormal rounds to 0 (ties to even)
  });

  test('state round-trips (exact resume) and bad states or options are refused', () => {
    const a = new GradScaler({ growthInterval: 5 });
    replay(a, [false, true, false, false]);
    const b = new GradScaler({ growthInterval: 5 });
    b.load(structuredClone(a.state()));
    expect(replay(b, [false, false, false, true]).scales).toEqual(replay(a, [false, false, false, true]).scales);
    expect(() => b.load({ scale: 8, growthTracker: 5 })).toThrow(/invalid state/);
    expect(() => b.load({ scale: 0, growthTracker: 0 })).toThrow(/invalid state/);
    expect(() => new GradScaler({ backoffFactor: 1 })).toThrow(/invalid options/);
    expect(() => new GradScaler({ growthInterval: 0 })).toThrow(/invalid options/);
  });
});
