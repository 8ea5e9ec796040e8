/**
 * A BERT-family model with one task head: parameters as TF.js variables keyed by Hugging Face names,
 * a forward pass, the head's loss, and gradients with HF's padding_idx rule.
 */
import * as tf from '@tensorflow/tfjs';
import { architectureName, type EncoderConfig, type HeadKind, type HfConfig, type ProblemType } from './config';
import { encode, type EncoderInputs } from './encoder';
import { releaseDuringBackward } from './backwardRelease';
import { applyHead, type HeadOutputs } from './heads';
import { DropoutContext } from './layers';
import type { LoraAdapter } from './lora';
import { binaryCrossEntropyWithLogits, crossEntropy, spanLoss, type CrossEntropyOptions } from './losses';
import { modelSpecs, type ParamSpec } from './names';

export interface ForwardOptions {
  training?: boolean;
  /** Seed of this step's dropout masks (training only). */
  seed?: number;
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
}

export interface ModelOutputs extends HeadOutputs {
  /** [B, T, H] */
  lastHiddenState: tf.Tensor3D;
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
}

/** What the head's loss needs; the field used depends on the head and problem type. */
export interface Labels {
  /** seqcls single-label int32 [B]; tokcls int32 [B, T] with -100 ignored */
  labels?: tf.Tensor;
  /** multi-label float32 [B, C] of 0/1 */
  targets?: tf.Tensor2D;
  /** qa int32 [B] */
  startPositions?: tf.Tensor1D;
  endPositions?: tf.Tensor1D;
}

export interface LossOptions {
  classWeights?: tf.Tensor1D;
  labelSmoothing?: number;
  posWeight?: tf.Tensor1D;
}

let nextModelId = 0;

export class BertFamilyModel {
  /** HF name → variable. Map order = HF `named_parameters()` order. */
  readonly params = new Map<string, tf.Variable>();
  readonly specs: ParamSpec[];
  private readonly uid = nextModelId++;
  /** Dropout overrides (0 for parity); default from the config. */
  readonly dropoutRates: { hidden: number; attention: number; classifier: number; qa: number };
  /** Low-rank adapters: when set, the forward reads W + s·B·A for their targets and their factors train. */
  lora: LoraAdapter | null = null;

  constructor(
    readonly encoderConfig: EncoderConfig,
    readonly head: HeadKind,
    readonly numLabels: number,
    readonly problemType: ProblemType,
    /** The config.json this model came from, kept so export preserves unknown keys. */
    readonly hfConfig: HfConfig,
    values: Map<string, Float32Array>,
  ) {
    this.specs = modelSpecs(encoderConfig, head, numLabels);
    for (const spec of this.specs) {
      const data = values.get(spec.name);
      if (!data) throw new Error(`BertFamilyModel: no value for ${spec.name}`);
      // tf.variable shares the initial tensor's buffer: dispose the tensor so only the variable holds it.
      const init = tf.tensor(data, spec.shape, 'float32');
      this.params.set(spec.name, tf.variable(init, true, `m${this.uid}/${spec.name}`));
      init.dispose();
    }
    const cfg = encoderConfig;
    const distilQa = cfg.modelType === 'distilbert' ? Number(hfConfig.qa_dropout ?? 0.1) : 0;
    const tokDrop = cfg.modelType === 'distilbert' ? cfg.hiddenDropout : cfg.classifierDropout;
    this.dropoutRates = {
      hidden: cfg.hiddenDropout,
      attention: cfg.attentionDropout,
      classifier: head === 'tokcls' ? tokDrop : cfg.classifierDropout,
      qa: distilQa,
    };
  }

  get architecture(): string {
    return architectureName(this.encoderConfig.modelType, this.head);
  }

  get numParameters(): number {
    return this.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Changes dropout rates (TrainConfig overrides); 0 everywhere makes training deterministic. */
  setDropout(rates: Partial<BertFamilyModel['dropoutRates']>): void {
    Object.assign(this.dropoutRates, rates);
  }

  forward(inputs: EncoderInputs, opts: ForwardOptions = {}): ModelOutputs {
    const [B, T] = inputs.inputIds.shape;
    const cfg: EncoderConfig = {
      ...this.encoderConfig,
      hiddenDropout: this.dropoutRates.hidden,
      attentionDropout: this.dropoutRates.attention,
    };
    const drop = new DropoutContext(opts.training ?? false, opts.seed ?? 0);
    const params = this.lora ? this.lora.effectiveParams(this.params) : this.params;
    const enc = encode(cfg, params, inputs, {
      dropout: drop,
      outputHiddenStates: opts.outputHiddenStates,
      outputAttentions: opts.outputAttentions,
    });
    const head = applyHead(cfg, this.head, params, enc.last, { B, T }, drop, {
      classifier: this.dropoutRates.classifier,
      qa: this.dropoutRates.qa,
    });
    return {
      ...head,
      lastHiddenState: tf.reshape(enc.last, [B, T, cfg.hiddenSize]),
      ...(enc.hiddenStates ? { hiddenStates: enc.hiddenStates } : {}),
      ...(enc.attentions ? { attentions: enc.attentions } : {}),
    };
  }

  loss(out: HeadOutputs, labels: Labels, opts: LossOptions = {}): tf.Scalar {
    if (this.head === 'qa') {
      if (!out.startLogits || !out.endLogits || !labels.startPositions || !labels.endPositions) {
        throw new Error('QA loss needs start/end logits and positions');
      }
      return spanLoss(out.startLogits, out.endLogits, labels.startPositions, labels.endPositions);
    }
    const logits = out.logits!;
    const ce: CrossEntropyOptions = { classWeights: opts.classWeights, labelSmoothing: opts.labelSmoothing };
    if (this.head === 'tokcls' || this.head === 'mlm') {
      // Per position over C labels, or over the V vocabulary logits (mlm); -100 positions ignored.
      const C = logits.shape[2]!;
      return crossEntropy(tf.reshape(logits, [-1, C]), tf.reshape(labels.labels!, [-1]), ce);
    }
    if (this.problemType === 'multi_label_classification') {
      return binaryCrossEntropyWithLogits(logits as tf.Tensor2D, labels.targets!, opts.posWeight);
    }
    if (this.problemType === 'regression') {
      throw new Error('regression heads are not supported');
    }
    return crossEntropy(logits as tf.Tensor2D, labels.labels as tf.Tensor1D, ce);
  }

  /**
   * Loss and d loss / d parameter for the trainable parameters (all, unless `only` names a subset).
   * The padding_idx rows of embeddings get no gradient from their lookup, as nn.Embedding(padding_idx) (encoder.ts).
   * `lossScale` (mixed precision, train/gradScaler.ts) multiplies the loss before backward: the gradients come
   * back scaled by it, the loss does not.
   */
  lossAndGradients(
    inputs: EncoderInputs,
    labels: Labels,
    opts: ForwardOptions & LossOptions & { lossScale?: number } = {},
    only?: ReadonlySet<string>,
  ): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
    const all = this.variables();
    const names = [...all.keys()].filter((n) => !only || only.has(n));
    const vars = names.map((n) => all.get(n)!);
    const scale = opts.lossScale ?? 1;
    let unscaled: tf.Scalar | null = null;
    const { value: result, grads } = tf.variableGrads(() => {
      const loss = this.loss(this.forward(inputs, opts), labels, opts);
      if (scale !== 1) unscaled = tf.keep(loss); // outlives the gradient scope: the loss to report, finite even if loss·scale is not
      const scaled = scale === 1 ? loss : (tf.mul(loss, scale) as tf.Scalar);
      releaseDuringBackward(); // the tape is complete: free each gradient and saved tensor once used
      return scaled;
    }, vars);
    const value: tf.Scalar = unscaled ?? result;
    if (unscaled) result.dispose();
    const out = new Map<string, tf.Tensor>();
    for (const name of names) {
      const key = all.get(name)!.name;
      let g = grads[key];
      if (!g) {
        g = tf.zerosLike(all.get(name)!); // unused by this head's forward (cannot happen for HF layouts)
      }
      out.set(name, g);
    }
    return { loss: value, grads: out };
  }

  /** Everything that can train: the parameters, then the LoRA factors (`<module>.lora_A.weight`, …). */
  variables(): Map<string, tf.Variable> {
    return this.lora ? new Map([...this.params, ...this.lora.variables]) : new Map(this.params);
  }

  /** Copies every parameter to the CPU (export, checkpoints). */
  async readParams(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.params) out.set(name, (await v.data()) as Float32Array);
    return out;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.lora?.dispose();
    this.params.clear();
  }
}
