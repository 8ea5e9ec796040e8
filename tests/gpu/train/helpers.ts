/** Shared by the training GPU tests: fixture models and batches, and a Trainer run that collects events. */
import { expect } from 'vitest';
import { useWebGpu } from '../../../src/engine/backend.ts';
import { loadModel } from '../../../src/engine/checkpoint.ts';
import type { HeadKind } from '../../../src/engine/config.ts';
import type { BertFamilyModel } from '../../../src/engine/model.ts';
import { readJson, urlSource } from '../../../src/hub/source.ts';
import type { CaseInputs, CaseJson } from '../../../src/parity/caseFile.ts';
import type { ResumeState, TrainEvent } from '../../../src/protocol/train.ts';
import type { FeatureSet } from '../../../src/tokenize/features.ts';
import { FeatureBatches, type BatchSource, type HostBatch } from '../../../src/train/batches.ts';
import { resolveTrainConfig, type TrainConfigInput } from '../../../src/train/config.ts';
import { Trainer, type TrainerInit } from '../../../src/train/trainer.ts';

export async function webgpu(): Promise<void> {
  await useWebGpu();
}

export const fixture = (name: string) => urlSource(`/tests/fixtures/hf-reference/${name}/`, name);

export async function fixtureCase(name: string): Promise<CaseJson> {
  return (await readJson<CaseJson>(fixture(name), 'case.json'))!;
}

export async function fixtureModel(name: string, head: HeadKind): Promise<BertFamilyModel> {
  return (await loadModel(fixture(name), { head })).model;
}

/** A case.json batch as the trainer's host batch, with exactly its shape (no re-padding). */
export function hostBatchOf(inputs: CaseInputs, head: string): HostBatch {
  const [B, T] = inputs.input_ids.shape;
  const i32 = (a: { data: number[] }) => Int32Array.from(a.data);
  const mask = i32(inputs.attention_mask);
  return {
    B,
    T,
    inputIds: i32(inputs.input_ids),
    attentionMask: mask,
    tokenTypeIds: inputs.token_type_ids ? i32(inputs.token_type_ids) : null,
    labels:
      head === 'qa'
        ? { kind: 'span', start: i32(inputs.start_positions!), end: i32(inputs.end_positions!) }
        : { kind: 'class', ids: i32(inputs.labels!) },
    rows: [],
    tokens: mask.reduce((a, b) => a + b, 0),
  };
}

/** The fixture's batches in their order, one epoch = all of them (the trajectories cycle through them). */
export function fixtureBatches(c: CaseJson): BatchSource {
  const batches = c.inputs.batches!.map((b) => hostBatchOf(b, c.head));
  return { batchesPerEpoch: batches.length, batch: (_epoch, i) => batches[i] };
}

export const FIXTURE_LABELS = ['class_a', 'class_b', 'class_c'];

/** The TrainConfig of a `*-train` case's optimizer, schedule and clipping: one step a logged batch of 3, no dropout, no evaluation. */
export function fixtureTrajectoryConfig(c: CaseJson): TrainConfigInput {
  return {
    learningRate: c.optimizer!.lr,
    adamBeta1: c.optimizer!.betas[0],
    adamBeta2: c.optimizer!.betas[1],
    adamEpsilon: c.optimizer!.eps,
    weightDecay: c.optimizer!.weight_decay,
    warmupSteps: c.schedule!.num_warmup_steps,
    maxSteps: c.schedule!.num_training_steps,
    maxGradNorm: c.clipping!.max_norm,
    batchSize: 3,
    loggingSteps: 1,
    evalStrategy: 'no',
    dropout: { hidden: 0, attention: 0, classifier: 0 },
  };
}

/** The 12 rows of bert-seqcls-train's four batches, padded to T = 16. */
export async function fixtureFeatures(): Promise<FeatureSet> {
  const c = await fixtureCase('bert-seqcls-train');
  const T = 16;
  const rows = c.inputs.batches!.flatMap((b) => {
    const [B, t] = b.input_ids.shape;
    return Array.from({ length: B }, (_, r) => ({
      ids: b.input_ids.data.slice(r * t, (r + 1) * t),
      mask: b.attention_mask.data.slice(r * t, (r + 1) * t),
      types: b.token_type_ids!.data.slice(r * t, (r + 1) * t),
      label: b.labels!.data[r],
    }));
  });
  const n = rows.length;
  const pad = (a: number[]) => [...a, ...new Array(T - a.length).fill(0)];
  return {
    count: n,
    seqLen: T,
    inputIds: Int32Array.from(rows.flatMap((r) => pad(r.ids))),
    attentionMask: Int32Array.from(rows.flatMap((r) => pad(r.mask))),
    tokenTypeIds: Int32Array.from(rows.flatMap((r) => pad(r.types))),
    labels: Int32Array.from(rows.map((r) => r.label)),
    labelWidth: 1,
    startPositions: null,
    endPositions: null,
    exampleIndex: null,
    offsets: null,
  };
}

export interface Run {
  events: TrainEvent[];
  steps: Extract<TrainEvent, { type: 'step' }>[];
  trainer: Trainer;
  outcome: string;
}

export async function runTrainer(
  init: Omit<TrainerInit, 'onEvent' | 'config'> & { config: TrainConfigInput },
  onEvent?: (e: TrainEvent, trainer: Trainer) => void,
): Promise<Run> {
  const events: TrainEvent[] = [];
  const trainer: Trainer = new Trainer({
    ...init,
    config: resolveTrainConfig(init.config),
    onEvent: (e) => {
      events.push(e);
      onEvent?.(e, trainer);
    },
  });
  const outcome = await trainer.run();
  const steps = events.filter((e): e is Extract<TrainEvent, { type: 'step' }> => e.type === 'step');
  return { events, steps, trainer, outcome };
}

/** A run and the resume states it kept, by the step of the evaluation that took them. */
export interface RunWithStates {
  run: Run;
  states: Map<number, ResumeState>;
}

/**
 * bert-seqcls-train on the fixture features (batch 2, seeded shuffle), resumed from `resume` when given, keeping
 * each resume state as the page stores it: a structured clone taken when the checkpoint event arrives.
 */
export async function trainKeepingResumeStates(
  config: TrainConfigInput,
  resume?: ResumeState,
  extra: Partial<Omit<TrainerInit, 'onEvent' | 'config'>> = {},
): Promise<RunWithStates> {
  const features = await fixtureFeatures();
  const model = await fixtureModel('bert-seqcls-train', 'seqcls');
  const states = new Map<number, ResumeState>();
  try {
    const run = await runTrainer(
      {
        model,
        task: 'classification',
        labels: FIXTURE_LABELS,
        train: new FeatureBatches(features, { batchSize: 2, shuffle: true, seed: 7, labelKind: 'class' }),
        validation: { features },
        config,
        keepResumeState: true,
        ...extra,
        ...(resume ? { resume } : {}),
      },
      (e, trainer) => {
        if (e.type === 'checkpoint' && e.kind === 'last') states.set(e.step, structuredClone(trainer.resumeState()!));
      },
    );
    return { run, states };
  } finally {
    model.dispose();
  }
}

/** max |a-b| / max |b|, the parity check's series measure. */
export function expectSeriesClose(mine: number[], ref: number[], tol: number, what: string): number {
  expect(mine.length, `${what}: length`).toBe(ref.length);
  const scale = Math.max(...ref.map(Math.abs), 1e-12);
  const worst = Math.max(...mine.map((m, i) => Math.abs(m - ref[i]))) / scale;
  expect(worst, `${what}: worst relative error`).toBeLessThan(tol);
  return worst;
}
