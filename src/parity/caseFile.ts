/** The format of `hf-reference/<case>/case.json` (see its README); only what parity reads is typed. */
import * as tf from '@tensorflow/tfjs';
import type { Labels } from '../engine/model';
import type { Batch } from '../train/step';

export interface ArrayJson {
  dtype: 'float32' | 'int64';
  shape: number[];
  data: number[];
}

export interface CaseInputs {
  input_ids: ArrayJson;
  attention_mask: ArrayJson;
  token_type_ids?: ArrayJson;
  labels?: ArrayJson;
  start_positions?: ArrayJson;
  end_positions?: ArrayJson;
}

export interface CaseJson {
  case: string;
  arch: string;
  head: string;
  parameter_names: string[];
  inputs: CaseInputs & { batches?: CaseInputs[] };
  outputs?: Record<string, ArrayJson | ArrayJson[]>;
  grads?: Record<string, ArrayJson>;
  optimizer?: {
    lr: number;
    betas: [number, number];
    eps: number;
    weight_decay: number;
    param_groups: { weight_decay: number; params: string[] }[];
  };
  schedule?: { function: string; num_warmup_steps?: number; num_training_steps?: number; num_cycles?: number };
  clipping?: { max_norm: number } | null;
  final_params?: Record<string, ArrayJson>;
  trajectory?: {
    step: number[];
    lr: number[];
    loss: number[];
    grad_norm: number[];
  };
  noise_driven_params?: string[];
  /** LoRA trajectories (PEFT): the adapter config and the initial A of every target (loraCase.ts). */
  lora?: { r: number; lora_alpha: number; target_modules: string[] };
  initial_lora?: Record<string, ArrayJson>;
}

const int32 = (a: ArrayJson): tf.Tensor => tf.tensor(Int32Array.from(a.data), a.shape, 'int32');

/** Tensors for one batch of a case: model inputs and the head's labels. */
export function batchFromCase(inputs: CaseInputs, head: string): Batch {
  const labels: Labels = {};
  if (head === 'qa') {
    labels.startPositions = int32(inputs.start_positions!) as tf.Tensor1D;
    labels.endPositions = int32(inputs.end_positions!) as tf.Tensor1D;
  } else if (inputs.labels?.dtype === 'float32') {
    labels.targets = tf.tensor2d(inputs.labels.data, inputs.labels.shape as [number, number], 'float32');
  } else if (inputs.labels) {
    labels.labels = int32(inputs.labels);
  }
  return {
    inputs: {
      inputIds: int32(inputs.input_ids) as tf.Tensor2D,
      attentionMask: int32(inputs.attention_mask) as tf.Tensor2D,
      ...(inputs.token_type_ids ? { tokenTypeIds: int32(inputs.token_type_ids) as tf.Tensor2D } : {}),
    },
    labels,
  };
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.inputs.inputIds, b.inputs.attentionMask, b.inputs.tokenTypeIds, ...Object.values(b.labels)].filter(Boolean) as tf.Tensor[]);
}
