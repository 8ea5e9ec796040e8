/**
 * What the train worker does for each command, as plain async logic (the worker file only dispatches):
 * load the model on WebGPU, run a Trainer, answer predict/export with the kept weights.
 */
import type { Task } from '../data/types';
import { adapterLimits, resetWebGpu, useWebGpu, webGpuDeviceLost } from '../engine/backend';
import { modelInfo } from '../estimate/memory';
import { exceedsBufferLimit, oomAdvice } from './oomAdvice';
import { describeLoadReport, loadModel } from '../engine/checkpoint';
import type { BertFamilyModel } from '../engine/model';
import { hubSource, localFilesSource, memorySource, urlSource, type FileSource } from '../hub/source';
import type { KernelMode } from '../engine/kernels/select';
import type { CheckpointKind, ModelRef, ResumeState, TrainCommand, TrainEvent } from '../protocol/train';
import { setKernelMode } from '../engine/kernels/select';
import { describeTuning } from '../engine/kernels/autotune';
import { autotuneModel } from '../engine/tuning';
import { taskSpec } from '../tasks/index';
import { bucketsUsed, FeatureBatches, labelKindOf } from './batches';
import { checkpointFiles } from './checkpoints';
import { resolveTrainConfig, type TrainConfig } from './config';
import { validateTrainConfig } from './configValidate';
import { evaluateSplit, maskedEvalOptions } from './evaluate';
import { batchMasking } from './masking';
import type { MaskedLmVocab } from '../tokenize/mlm';
import { exportedCheckpoint, exportedResume, readResumeFrom } from './storedExport';
import { Trainer } from './trainer';

export type Emit = (event: TrainEvent) => void;

/** Device losses a run survives (each one continues from the latest resume point on a new device). */
export const MAX_RECOVERIES = 3;

export function fileSourceOf(ref: ModelRef): FileSource {
  switch (ref.kind) {
    case 'hub':
      return hubSource(ref.id, ref.revision);
    case 'url':
      return urlSource(ref.baseUrl, ref.label);
    case 'files':
      return localFilesSource(ref.files, ref.label);
    case 'memory':
      return memorySource(ref.files, ref.label);
  }
}

export class TrainSession {
  private model: BertFamilyModel | null = null;
  private trainer: Trainer | null = null;
  private source: FileSource | null = null;
  private config: TrainConfig | null = null;
  private task: Task | null = null;
  private labels: string[] = [];
  private mlm: MaskedLmVocab | null = null;

  constructor(private readonly emit: Emit) {}

  async handle(cmd: TrainCommand): Promise<void> {
    switch (cmd.type) {
      case 'start':
        return this.start(cmd);
      case 'pause':
        return this.trainer?.pause();
      case 'resume':
        return this.trainer?.resume();
      case 'stop':
        return this.trainer?.stop();
      case 'predict':
        return this.predict(cmd);
      case 'export':
        return this.export(cmd.requestId, cmd.kind, cmd.to);
    }
  }

  private async start(cmd: Extract<TrainCommand, { type: 'start' }>): Promise<void> {
    if (this.trainer) return this.fail('invalid_config', 'a run is already in progress in this worker');
    const { data } = cmd;
    const config = resolveTrainConfig(cmd.config);
    this.emit({ type: 'state', state: 'loading' });
    const spec = taskSpec(data.task);
    const errors = validateTrainConfig(config, { task: data.task, labels: spec.hasLabelVocabulary ? data.labels : [] });
    if (errors.length) return this.fail('invalid_config', `Invalid training config:\n- ${errors.join('\n- ')}`);
    if (data.train.count === 0) return this.fail('invalid_data', 'the training split has no rows');
    if (spec.head === 'mlm' && !data.mlm) return this.fail('invalid_data', 'masked-LM training needs the tokenizer\'s vocabulary with the data (TrainData.mlm)');
    let model: BertFamilyModel;
    let loadReport: string[];
    const { head, problemType } = spec;
    const loadOpts = { head, problemType, seed: config.seed, init: cmd.init ?? 'pretrained', ...(spec.hasLabelVocabulary ? { labels: data.labels } : {}) } as const;
    try {
      setKernelMode(cmd.kernels ?? 'auto');
      await useWebGpu();
      this.source = fileSourceOf(cmd.model);
      const loaded = await loadModel(this.source, loadOpts);
      model = loaded.model;
      loadReport = describeLoadReport(loaded.report);
    } catch (e) {
      return this.fail('load_failed', (e as Error).message);
    }
    const layerErrors = validateTrainConfig(config, { numLayers: model.encoderConfig.numLayers });
    if (layerErrors.length) {
      model.dispose();
      return this.fail('invalid_config', `Invalid training config:\n- ${layerErrors.join('\n- ')}`);
    }
    // A buffer over the adapter's maxBufferSize cannot be allocated at all: say so with the numbers before step 1.
    const shape = { info: modelInfo(model.hfConfig), config, maxLength: data.train.seqLen, maskedLm: spec.head === 'mlm', limits: (await adapterLimits()) ?? undefined };
    if (exceedsBufferLimit(shape)) {
      model.dispose();
      const { message, hint } = oomAdvice(shape, 'a single buffer would exceed maxBufferSize');
      this.emit({ type: 'error', kind: 'out_of_memory', message, hint, step: 0, checkpointStep: null });
      this.emit({ type: 'state', state: 'failed' });
      return;
    }
    Object.assign(this, { model, config, task: data.task, labels: data.labels, mlm: data.mlm ?? null });
    await this.tuneKernels(model, cmd.kernels ?? 'auto', config.batchSize, bucketsUsed(data.train));
    const trainerFor = (m: BertFamilyModel, resume: ResumeState | undefined, onEvent: Emit) =>
      new Trainer({
        model: m,
        task: data.task,
        labels: data.labels,
        config,
        train: new FeatureBatches(data.train, {
          batchSize: config.batchSize,
          shuffle: true,
          seed: config.seed,
          labelKind: labelKindOf(data.task),
          ...(data.mlm ? { mlm: batchMasking(data.mlm, config) } : {}),
        }),
        ...(data.mlm ? { mlmVocab: data.mlm } : {}),
        trainFeatures: data.train,
        ...(data.validation ? { validation: data.validation } : {}),
        ...(data.test ? { test: data.test } : {}),
        loadReport,
        ...(resume ? { resume } : {}),
        // Only the state the command brought extends a run; a state taken after that belongs to the longer plan.
        ...(resume && cmd.extend && resume === extendFrom ? { extend: true } : {}),
        keepResumeState: cmd.resumable ?? false,
        onEvent,
      });
    const resume = cmd.resume ?? (cmd.resumeFrom ? await readResumeFrom(cmd.resumeFrom) : undefined);
    if (resume instanceof Error) return this.fail('load_failed', resume.message);
    const extendFrom = resume;
    await this.runRecovering(trainerFor, resume, loadOpts);
  }

  /**
   * Runs the trainer; when the GPU device is lost mid-run (and the run keeps resume states), takes a new device,
   * reloads the model and continues from the latest resume point, at most MAX_RECOVERIES times. Dropout and data
   * order are functions of the seed and the position, so the continued run takes the same steps.
   */
  private async runRecovering(
    trainerFor: (m: BertFamilyModel, resume: ResumeState | undefined, onEvent: Emit) => Trainer,
    first: ResumeState | undefined,
    loadOpts: Parameters<typeof loadModel>[1],
  ): Promise<void> {
    let resume = first;
    for (let attempt = 1; ; attempt++) {
      // After a device loss the trainer's error (and its 'failed' state) is held back while a recovery is possible.
      const held: TrainEvent[] = [];
      const onEvent: Emit = (e) => {
        if (held.length || (e.type === 'error' && e.requestId === undefined && (e.kind === 'device_lost' || webGpuDeviceLost()))) held.push(e);
        else this.emit(e);
      };
      this.trainer = trainerFor(this.model!, resume, onEvent);
      await this.trainer.run();
      if (!held.length) return;
      const lost = held[0] as Extract<TrainEvent, { type: 'error' }>;
      const point = this.trainer.resumeState();
      if (attempt > MAX_RECOVERIES || !point) {
        held.forEach(this.emit);
        return;
      }
      try {
        this.model?.dispose();
      } catch {
        /* its buffers went with the device */
      }
      this.model = null;
      try {
        await resetWebGpu();
        this.model = (await loadModel(this.source!, loadOpts)).model;
      } catch (e) {
        held.forEach(this.emit);
        this.emit({ type: 'log', level: 'warn', message: `GPU recovery failed: ${(e as Error).message}` });
        return;
      }
      const message = `The GPU device was lost at step ${lost.step} (${lost.message}). A new device was set up and the run continues from its resume point at step ${point.step} (recovery ${attempt} of ${MAX_RECOVERIES}).`;
      this.emit({ type: 'recovered', lostAt: lost.step, from: point.step, attempt, of: MAX_RECOVERIES, message });
      this.emit({ type: 'log', level: 'warn', message });
      resume = point;
    }
  }

  /** In mode 'auto', measures each kernel variant at the run's shapes and keeps the faster (kernels/autotune.ts). */
  private async tuneKernels(model: BertFamilyModel, mode: KernelMode, batch: number, seqs: number[]): Promise<void> {
    if (mode !== 'auto') {
      this.emit({ type: 'kernels', mode, timing: null, entries: [], ms: 0 });
      return;
    }
    try {
      const report = await autotuneModel(model, batch, seqs);
      this.emit({ type: 'kernels', mode, timing: report.timing, entries: report.entries, ms: report.ms });
      this.emit({ type: 'log', level: 'info', message: `kernels tuned in ${report.ms.toFixed(0)} ms (${report.timing}):\n${describeTuning(report).join('\n')}` });
    } catch (e) {
      // Untuned shapes run the adapter's defaults: slower perhaps, never wrong.
      this.emit({ type: 'log', level: 'warn', message: `kernel autotuning failed, using defaults: ${(e as Error).message}` });
    }
  }

  private async predict(cmd: Extract<TrainCommand, { type: 'predict' }>): Promise<void> {
    if (!this.model || !this.task) return this.refuse(cmd.requestId, 'invalid_config', 'predict needs a loaded model: start a run first');
    try {
      const c = this.config!;
      const mlm = this.mlm ? { mlm: maskedEvalOptions(this.mlm, c) } : {};
      const out = await evaluateSplit(this.model, this.task, this.labels, cmd.data, { batchSize: c.evalBatchSize, ...mlm });
      this.emit({ type: 'prediction', requestId: cmd.requestId, predictions: out.predictions, result: out.result });
    } catch (e) {
      this.refuse(cmd.requestId, 'internal', (e as Error).message);
    }
  }

  private async export(requestId: number, kind: CheckpointKind, to?: { runId: string }): Promise<void> {
    if (!this.model || !this.trainer) return this.refuse(requestId, 'invalid_config', 'nothing to export: start a run first');
    if (kind === 'last') {
      this.emit(await exportedResume(requestId, this.trainer.resumeState(), to));
      return;
    }
    const { step, values } = await this.trainer.exportValues();
    const files = await checkpointFiles(this.model, values, { labels: this.labels, source: this.source ?? undefined });
    this.emit(await exportedCheckpoint(requestId, step, files, to));
  }

  /** A request (predict, export) that cannot be answered: an error for that request; the run goes on. */
  private refuse(requestId: number, kind: Extract<TrainEvent, { type: 'error' }>['kind'], message: string): void {
    this.emit({ type: 'error', kind, message, step: this.trainer?.step ?? 0, checkpointStep: null, requestId });
  }

  private fail(kind: Extract<TrainEvent, { type: 'error' }>['kind'], message: string): void {
    this.emit({ type: 'error', kind, message, step: this.trainer?.step ?? 0, checkpointStep: null });
    this.emit({ type: 'state', state: 'failed' });
  }
}
