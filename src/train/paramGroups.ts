/** Which parameters get weight decay. */
import type { ParamSpec } from '../engine/names';

/**
 * The Trainer's rule: no decay for biases and for every LayerNorm weight, whatever the module is called
 * (DistilBERT's `sa_layer_norm` / `output_layer_norm` too). The Trainer decides by module type; with our
 * specs a LayerNorm is any tensor initialised to ones.
 */
export function trainerNoDecay(spec: ParamSpec): boolean {
  return spec.name.endsWith('.bias') || spec.init === 'ones';
}

/** Weight decay per parameter name. `groups` (e.g. from a fixture's optimizer.param_groups) wins when given. */
export function weightDecayByName(
  specs: readonly ParamSpec[],
  weightDecay: number,
  groups?: readonly { weight_decay: number; params: readonly string[] }[],
): Map<string, number> {
  const out = new Map<string, number>();
  if (groups) {
    for (const g of groups) for (const p of g.params) out.set(p, g.weight_decay);
    const missing = specs.filter((s) => !out.has(s.name)).map((s) => s.name);
    if (missing.length) throw new Error(`param_groups do not cover: ${missing.join(', ')}`);
    return out;
  }
  for (const s of specs) out.set(s.name, trainerNoDecay(s) ? 0 : weightDecay);
  return out;
}
