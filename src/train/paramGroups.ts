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

/** Depth of a parameter for layer-wise LR decay: embeddings 0, encoder layer i → i + 1, head L + 1. */
export function depthOf(name: string, numLayers: number): number {
  const layer = /\.layer\.(\d+)\./.exec(name);
  if (layer) return Number(layer[1]) + 1;
  if (/(^|\.)embeddings(\.|_project)/.test(name)) return 0;
  return numLayers + 1;
}

/** lr multiplier per name: factor^(L + 1 - depth); null when the factor is 1 (no map, the plain path). */
export function layerwiseLrScale(names: Iterable<string>, numLayers: number, factor: number): Map<string, number> | null {
  if (factor === 1) return null;
  const out = new Map<string, number>();
  for (const n of names) out.set(n, factor ** (numLayers + 1 - depthOf(n, numLayers)));
  return out;
}

export interface FreezeRule {
  embeddings: boolean;
  /** The first N encoder layers. */
  layers: number;
  /** Everything but the head. */
  encoder: boolean;
}

/**
 * Names that train. With LoRA only the adapters and the head train (PEFT's modules_to_save for the
 * classifier); otherwise every parameter not frozen by the rule. The head is everything above the last
 * encoder layer, BERT's pooler included (PEFT and `requires_grad_(False)` on the base model freeze the pooler;
 * we do not, see TrainConfig.freeze).
 */
/**
 * What trains. With LoRA: the adapters and the head; BERT's pooler (part of the head here) only when
 * `lora.trainPooler` (PEFT freezes it: its modules_to_save is the classifier).
 */
export function trainableNames(allNames: Iterable<string>, numLayers: number, freeze: FreezeRule, lora: boolean | { trainPooler: boolean }): Set<string> {
  const out = new Set<string>();
  for (const n of allNames) {
    const depth = depthOf(n, numLayers);
    const isAdapter = n.includes('.lora_A.') || n.includes('.lora_B.');
    const isHead = depth === numLayers + 1 && !isAdapter;
    if (lora) {
      const frozenPooler = typeof lora === 'object' && !lora.trainPooler && n.includes('.pooler.');
      if (isAdapter || (isHead && !frozenPooler)) out.add(n);
      continue;
    }
    if (freeze.encoder && !isHead) continue;
    if (freeze.embeddings && depth === 0) continue;
    if (depth >= 1 && depth <= freeze.layers && !isHead) continue;
    out.add(n);
  }
  return out;
}
