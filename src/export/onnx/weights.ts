/**
 * WeightSources for the ONNX writer: the trained values the studio holds (LoRA already merged), or the tensors
 * of a safetensors checkpoint, converted to float32 one at a time as the writer reaches them.
 */
import type { EncoderConfig } from '../../engine/config';
import type { ParamSpec } from '../../engine/names';
import { toFloat32, type RawTensor } from '../../engine/safetensors';
import type { WeightSource } from './stream';

/** Values by HF name with their spec shapes (e.g. `model.readParams()`, or LoRA-merged values). */
export function weightsFromValues(values: ReadonlyMap<string, Float32Array>, specs: readonly ParamSpec[]): WeightSource {
  const shapes = new Map(specs.map((s) => [s.name, s.shape]));
  return {
    shapeOf: (name) => (values.has(name) ? shapes.get(name) : undefined),
    read(name) {
      const v = values.get(name);
      if (!v) throw new Error(`ONNX export: no value for "${name}"`);
      return v;
    },
  };
}

/**
 * The checkpoint's name for the tensor the graph calls `name`, or undefined. Older checkpoints name LayerNorm
 * parameters `gamma` / `beta`, and a bare encoder saved on its own lacks the `bert.` prefix: both are looked up
 * too, as engine/checkpoint.ts does when loading.
 */
export function checkpointName(name: string, cfg: EncoderConfig, has: (name: string) => boolean): string | undefined {
  const legacy = (n: string) => n.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
  const bare = name.startsWith(`${cfg.prefix}.`) ? name.slice(cfg.prefix.length + 1) : null;
  return [name, legacy(name), ...(bare ? [bare, legacy(bare)] : [])].find(has);
}

/** The tensors of a parsed safetensors checkpoint (in memory), converted to float32 as the writer reaches them. */
export function weightsFromSafetensors(tensors: ReadonlyMap<string, RawTensor>, cfg: EncoderConfig, label = 'model.safetensors'): WeightSource {
  const find = (name: string): RawTensor | undefined => {
    const n = checkpointName(name, cfg, (c) => tensors.has(c));
    return n === undefined ? undefined : tensors.get(n);
  };
  return {
    shapeOf: (name) => find(name)?.shape,
    read(name) {
      const t = find(name);
      if (!t) throw new Error(`${label}: no tensor "${name}"`);
      const values = toFloat32(t);
      if (!values) throw new Error(`${label}: "${name}" has dtype ${t.dtype}, not a floating-point type`);
      return values;
    },
  };
}
