/**
 * Whether the run trains in mixed precision (TrainConfig.mixedPrecision, the Trainer's fp16=True): linear
 * layers take f16-rounded inputs and weights and save their input as packed f16, GELU saves its input as
 * packed f16 (layers.ts routes both). A module flag rather than a parameter threaded through every layer,
 * as torch.autocast is a context: the trainer sets it for its run and restores it after.
 */
let on = false;

export function setMixedPrecision(enabled: boolean): void {
  on = enabled;
}

export function mixedPrecision(): boolean {
  return on;
}

/** Runs `f` with mixed precision set to `enabled`, then puts the previous setting back. */
export function withMixedPrecision<T>(enabled: boolean, f: () => T): T {
  const before = on;
  on = enabled;
  try {
    return f();
  } finally {
    on = before;
  }
}
