/**
 * Dynamic loss scaling, as torch.cuda.amp.GradScaler (what the Trainer's fp16=True uses). The loss is multiplied
 * by `scale` before backward so small f16 gradients do not flush to zero; the gradients are divided by it again
 * before clipping. When any unscaled gradient is inf or NaN the step is skipped and the scale halves; after
 * `growthInterval` clean steps in a row it doubles. The scale is a float32 in torch, so every product is rounded
 * to float32 here too, and a growth that would overflow float32 is not taken (torch._amp_update_scale_).
 */

export interface GradScalerOptions {
  initScale: number;
  growthFactor: number;
  backoffFactor: number;
  growthInterval: number;
}

/** torch.cuda.amp.GradScaler() defaults. */
export const TORCH_GRAD_SCALER: Readonly<GradScalerOptions> = Object.freeze({ initScale: 2 ** 16, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2000 });

/** What a resumed run needs to continue the same scale sequence (torch's scaler.state_dict()). */
export interface GradScalerState {
  scale: number;
  /** Clean steps in a row since the last growth or overflow. */
  growthTracker: number;
}

export class GradScaler {
  readonly options: GradScalerOptions;
  scale: number;
  growthTracker = 0;

  constructor(options: Partial<GradScalerOptions> = {}) {
    this.options = { ...TORCH_GRAD_SCALER, ...options };
    const o = this.options;
    if (!(o.initScale > 0) || !(o.growthFactor > 1) || !(o.backoffFactor > 0 && o.backoffFactor < 1) || !(Number.isInteger(o.growthInterval) && o.growthInterval >= 1)) {
      throw new Error(`GradScaler: invalid options ${JSON.stringify(o)}`);
    }
    this.scale = Math.fround(o.initScale);
  }

  /**
   * After a step whose unscaled gradients were (foundInf) or were not all finite. Returns whether the optimizer
   * ran, the Trainer's `optimizer_was_run = scale_before <= scale_after` (the LR scheduler steps only then).
   */
  update(foundInf: boolean): boolean {
    const before = this.scale;
    const o = this.options;
    if (foundInf) {
      this.scale = Math.fround(this.scale * o.backoffFactor);
      this.growthTracker = 0;
    } else if (this.growthTracker + 1 === o.growthInterval) {
      const grown = Math.fround(this.scale * o.growthFactor);
      if (Number.isFinite(grown)) this.scale = grown;
      this.growthTracker = 0;
    } else {
      this.growthTracker += 1;
    }
    return before <= this.scale;
  }

  state(): GradScalerState {
    return { scale: this.scale, growthTracker: this.growthTracker };
  }

  load(s: GradScalerState): void {
    if (!(s.scale > 0) || !Number.isInteger(s.growthTracker) || s.growthTracker < 0 || s.growthTracker >= this.options.growthInterval) {
      throw new Error(`GradScaler: invalid state ${JSON.stringify(s)}`);
    }
    this.scale = s.scale;
    this.growthTracker = s.growthTracker;
  }
}
