/**
 * The training loop: batches → trainStep → events. No React, no DOM, no worker API: the worker (or a test,
 * or the CLI page) drives it and forwards its events. Losses stay on the GPU and are read asynchronously only
 * at logging steps; every other tensor is freed within its step, so tf.memory() stays flat.
 */
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../data/types';
import type { TaskSpec } from '../tasks/types';
import { mixedPrecision, setMixedPrecision } from '../engine/kernels/precision';
import type { BertFamilyModel } from '../engine/model';
import type { EvalSplitData, Prediction, ResumeState, SplitResult, TrainEvent } from '../protocol/train';
import type { FeatureSet } from '../tokenize/features';
import { disposeBatch, toTensors, type BatchSource } from './batches';
import { captureWeights, restoreWeights, type Snapshot } from './checkpoints';
import type { TrainConfig } from './config';
import { judgeEvaluation, patienceExhausted } from './earlyStopping';
import { evaluateSplit, maskedEvalOptions } from './evaluate';
import { LogWindow, yieldToEventLoop } from './loopTiming';
import { withOomAdvice } from './oomAdvice';
import type { MaskedLmVocab } from '../tokenize/mlm';
import { classifyError, GpuWatch, TrainError } from './gpuWatch';
import { GradScaler, type GradScalerOptions } from './gradScaler';
import { countParameters, makePlan, prepareModel, type RunPlan } from './plan';
import { applyResumeState, captureResumeState } from './resume';
import { PendingLoss } from './pendingLoss';
import { lrAtStep } from './schedule';
import { scaledTrainStep, trainStep, type Batch, type ScaledStepResult, type StepOptions, type StepResult } from './step';

export interface TrainerInit {
  model: BertFamilyModel;
  /** A built-in task, or its spec (how tests train a toy task that no registry lists). */
  task: Task | TaskSpec;
  labels: string[];
  config: TrainConfig;
  train: BatchSource;
  /** Training features, for automatic class weights / pos_weight. */
  trainFeatures?: FeatureSet;
  validation?: EvalSplitData;
  test?: EvalSplitData;
  loadReport?: string[];
  /** Continue a run from this state (exact resume: same config and data as the run that saved it). */
  resume?: ResumeState;
  /** With `resume`: continue a stopped or finished run for more steps (its config's longer maxSteps / epochs). */
  extend?: boolean;
  /**
   * Keep a resume state (reads the weights and AdamW moments back) at each evaluation, every resumeEverySteps steps
   * or resumeEveryMinutes minutes, and on pause and stop, for `resumeState()`.
   */
  keepResumeState?: boolean;
  /** Mixed precision: GradScaler options (tests force overflows with them); torch's defaults otherwise, as the Trainer. */
  gradScaler?: Partial<GradScalerOptions>;
  /** Masked LM: the tokenizer's vocabulary, for the evaluation's masks and predicted tokens. */
  mlmVocab?: MaskedLmVocab;
  onEvent: (e: TrainEvent) => void;
}

export type RunOutcome = 'completed' | 'stopped' | 'early_stopping' | 'failed';

export const NAN_HINT = 'Lower the learning rate (e.g. ÷10), keep gradient clipping on (maxGradNorm 1.0), or add warmup.';

/** Where a step event sits: fractional epoch, learning rate, and in mixed precision the loss scale. */
type StepAt = { epoch: number; lr: number; scaled: { lossScale?: number } };

/** Dropout seed of optimizer step k: distinct per step, fixed by the run seed. */
export function dropoutSeed(seed: number, step: number): number {
  return (Math.imul(seed, 0x9e3779b1) + Math.imul(step, 0x85ebca6b)) >>> 0;
}

export class Trainer {
  step = 0;
  best: Snapshot | null = null;
  last: Snapshot | null = null;
  private paused: (() => void) | null = null;
  private pausePromise: Promise<void> | null = null;
  private stopRequested = false;
  private plan: RunPlan | null = null;
  /** The next batch to draw: epoch and batch index within it. */
  private position = { epoch: 0, batch: 0 };
  private sinceImprovement = 0;
  /** Losses since the last step event (GPU scalars) and the last gradient norm. */
  private readonly pending = new PendingLoss();
  private resumePoint: ResumeState | null = null;
  /** When the last resume state was taken: its step and the clock. */
  private lastPoint = { step: 0, at: performance.now() };
  /** Mixed precision: the loss scaler, and how often the LR scheduler stepped (skipped steps do not step it). */
  private scaler: GradScaler | null = null;
  private schedulerSteps = 0;

  constructor(private readonly init: TrainerInit) {}

  pause(): void {
    if (this.pausePromise) return;
    this.pausePromise = new Promise((resolve) => (this.paused = resolve));
    this.init.onEvent({ type: 'state', state: 'paused' });
  }

  resume(): void {
    if (!this.pausePromise) return;
    this.paused!();
    this.pausePromise = null;
    this.paused = null;
    this.init.onEvent({ type: 'state', state: 'training' });
  }

  /** Finishes after the current step; a paused run stops too. */
  stop(): void {
    this.stopRequested = true;
    if (this.pausePromise) this.resume();
  }

  async run(): Promise<RunOutcome> {
    const { model, config, onEvent } = this.init;
    prepareModel(model, config);
    const plan = (this.plan = makePlan(model, config, this.init.task, this.init.labels, this.init.train.batchesPerEpoch, this.init.trainFeatures ?? null));
    const vars = model.variables();
    this.scaler = config.mixedPrecision ? new GradScaler(this.init.gradScaler) : null;
    const precisionBefore = mixedPrecision();
    setMixedPrecision(config.mixedPrecision);
    onEvent({
      type: 'ready',
      totalSteps: plan.totalSteps,
      epochs: plan.epochs,
      parameters: countParameters(vars),
      trainableParameters: countParameters(vars, plan.trainable),
      loadReport: this.init.loadReport ?? [],
    });
    const watch = new GpuWatch();
    try {
      if (this.init.resume) this.restore(this.init.resume, plan);
      // Step 0 is the first "last good" checkpoint: a failure before any evaluation falls back to it.
      else this.last = { step: 0, metric: 'loss', value: NaN, values: await captureWeights(model) };
      onEvent({ type: 'state', state: 'training' });
      const reason = await this.loop(plan, watch);
      await this.finish(reason);
      return reason;
    } catch (e) {
      const err = await withOomAdvice(classifyError(e), { model, config, maxLength: this.init.trainFeatures?.seqLen ?? 512 });
      const kept = this.best ?? this.last;
      try {
        if (kept) restoreWeights(model, kept.values);
      } catch {
        /* the device may be gone; the CPU copy is still there for export */
      }
      onEvent({ type: 'error', kind: err.kind, message: err.message, ...(err.hint ? { hint: err.hint } : {}), step: this.step, checkpointStep: kept?.step ?? null });
      onEvent({ type: 'state', state: 'failed' });
      return 'failed';
    } finally {
      this.pending.dispose();
      watch.dispose();
      setMixedPrecision(precisionBefore);
      plan.loss.dispose();
      plan.optimizer.dispose();
    }
  }

  /** Weights, moments, position and best checkpoint of a saved run, into this fresh model and optimizer. */
  private restore(r: ResumeState, plan: RunPlan): void {
    const { config } = this.init;
    const expected = { totalSteps: plan.totalSteps, updatesPerEpoch: plan.updatesPerEpoch, seed: config.seed, accumulation: config.gradientAccumulationSteps, mixedPrecision: config.mixedPrecision };
    const restored = applyResumeState(r, this.init.model, plan.optimizer, expected, this.init.extend ?? false);
    if (r.mixedPrecision) {
      this.scaler!.load({ scale: r.mixedPrecision.scale, growthTracker: r.mixedPrecision.growthTracker });
      this.schedulerSteps = r.mixedPrecision.schedulerSteps;
    }
    this.step = r.step;
    this.position = { epoch: r.epoch, batch: r.batch };
    this.last = restored.last;
    this.best = restored.best;
    this.sinceImprovement = r.sinceImprovement;
    this.pending.restore(restored.pendingLoss, r.pendingLoss.steps);
    if (this.init.keepResumeState) {
      this.resumePoint = r;
      this.lastPoint = { step: r.step, at: performance.now() };
    }
  }

  /** Optimizer steps until the plan's end, a stop, or early stopping. One job per helper below. */
  private async loop(plan: RunPlan, watch: GpuWatch): Promise<Exclude<RunOutcome, 'failed'>> {
    const { config, train } = this.init;
    const ga = config.gradientAccumulationSteps;
    const window = new LogWindow();
    // Equal to plan.updatesPerEpoch; a resumed run starts mid-epoch at its saved position.
    const groups = Math.max(1, Math.floor(train.batchesPerEpoch / ga));
    const from = this.position;
    try {
      for (let epoch = from.epoch; epoch < plan.epochs; epoch++) {
        for (let g = epoch === from.epoch ? from.batch / ga : 0; g < groups && this.step < plan.totalSteps; g++) {
          if (await this.interrupted(watch)) return 'stopped';
          const lr = lrAtStep(plan.schedule, (this.scaler ? this.schedulerSteps : this.step) + 1);
          const { result, tokens } = await this.stepOnGroup(plan, epoch, g * ga, lr);
          this.step += 1;
          const at = { epoch: epoch + (g + 1) / groups, lr, scaled: result.lossScale === undefined ? {} : { lossScale: result.lossScale } };
          if (result.skipped) await this.reportSkipped(result, at, window);
          this.position = g + 1 < groups ? { epoch, batch: (g + 1) * ga } : { epoch: epoch + 1, batch: 0 };
          window.tokens += tokens;
          this.pending.add(result);
          if (this.step % config.loggingSteps === 0 || this.step === plan.totalSteps) await this.logStep(at, window);
          if (this.evaluationDue(plan, g === groups - 1) && this.init.validation) {
            await this.evaluateValidation(at.epoch);
            if (patienceExhausted(this.sinceImprovement, config.earlyStopping.patience)) return 'early_stopping';
            window.restartAfterEval();
          }
          const due = this.resumePointDue();
          if (due && this.step < plan.totalSteps) await this.takeResumePoint(due);
        }
      }
      return 'completed';
    } finally {
      // Losses not yet logged are kept for a resume state only until the loop ends.
      this.pending.dispose();
    }
  }

  /**
   * Lets pause/stop messages in, waits while paused; true when a stop was asked. Throws if the GPU was lost.
   * A pause or stop first takes a resume point, so a tab closed while paused loses nothing.
   */
  private async interrupted(watch: GpuWatch): Promise<boolean> {
    await yieldToEventLoop();
    if ((this.pausePromise || this.stopRequested) && this.init.keepResumeState && this.lastPoint.step !== this.step) {
      await this.takeResumePoint(this.stopRequested ? 'stop' : 'pause');
    }
    if (this.pausePromise) await this.pausePromise;
    if (this.stopRequested) return true;
    watch.check();
    return false;
  }

  /** Why a resume point is due after this step (steps or minutes since the last one), or null. */
  private resumePointDue(): 'steps' | 'minutes' | null {
    const { config, keepResumeState } = this.init;
    if (!keepResumeState || this.lastPoint.step === this.step) return null;
    if (config.resumeEverySteps > 0 && this.step - this.lastPoint.step >= config.resumeEverySteps) return 'steps';
    if (config.resumeEveryMinutes > 0 && performance.now() - this.lastPoint.at >= config.resumeEveryMinutes * 60_000) return 'minutes';
    return null;
  }

  /**
   * The run as it is now, as a resume state: the current weights become the "last" snapshot (no metric: it was not
   * evaluated), and the best checkpoint stays what the evaluations chose.
   */
  private async takeResumePoint(reason: 'steps' | 'minutes' | 'pause' | 'stop'): Promise<void> {
    const plan = this.plan!;
    // Not `this.last`: that stays the last evaluated (known good) weights an error falls back to.
    const now = { step: this.step, metric: plan.bestMetric.name, value: NaN, values: await captureWeights(this.init.model) };
    const state = await this.captureResumePoint(now);
    // Losses not logged yet are summed on the GPU; a non-finite sum means the run diverged: keep the previous point.
    if (!Number.isFinite(state.pendingLoss.sum)) return;
    this.resumePoint = state;
    this.init.onEvent({ type: 'resumePoint', step: this.step, reason });
  }

  /** The resume state with `last` as its weights and `this.best` as its best checkpoint (evaluations and resume points share it). */
  private async captureResumePoint(last: Snapshot): Promise<ResumeState> {
    const { config } = this.init;
    const plan = this.plan!;
    const at = { step: this.step, totalSteps: plan.totalSteps, position: this.position, seed: config.seed, last, best: this.best };
    const pending = { sinceImprovement: this.sinceImprovement, pendingLoss: this.pending.lossSum, pendingSteps: this.pending.steps };
    const mixed = this.scaler ? { mixedPrecision: { ...this.scaler.state(), schedulerSteps: this.schedulerSteps } } : {};
    const state = await captureResumeState({ ...at, ...pending, ...mixed }, plan.optimizer);
    this.lastPoint = { step: this.step, at: performance.now() };
    return state;
  }

  /** One optimizer step on the (up to gradientAccumulationSteps) batches from batch `first` of `epoch`. */
  private async stepOnGroup(plan: RunPlan, epoch: number, first: number, lr: number): Promise<{ result: StepResult & Partial<ScaledStepResult>; tokens: number }> {
    const { config, train } = this.init;
    const count = Math.min(config.gradientAccumulationSteps, train.batchesPerEpoch - first);
    const hosts = Array.from({ length: count }, (_, i) => train.batch(epoch, first + i));
    const batches = hosts.map(toTensors);
    try {
      const result = await this.optimizerStep(plan, batches, {
        lr,
        maxGradNorm: config.maxGradNorm,
        seed: dropoutSeed(config.seed, this.step),
        loss: plan.loss.options,
        trainable: plan.trainable,
        ...(plan.lrScale ? { lrScale: plan.lrScale } : {}),
      });
      return { result, tokens: hosts.reduce((n, h) => n + h.tokens, 0) };
    } finally {
      batches.forEach(disposeBatch);
    }
  }

  /** A mixed-precision step whose optimizer did not run: its own step event, marked skipped. */
  private async reportSkipped(result: StepResult, at: StepAt, window: LogWindow): Promise<void> {
    const [l, n] = await Promise.all([result.loss.data(), result.gradNorm.data()]);
    const { epoch, lr, scaled } = at;
    this.init.onEvent({ type: 'step', step: this.step, epoch, loss: l[0], lr, gradNorm: n[0], ...window.rates(), ...scaled, skipped: true });
  }

  /** The mean loss since the last step event and the last gradient norm, read back; throws on divergence. */
  private async logStep(at: StepAt, window: LogWindow): Promise<void> {
    const { loss, gradNorm } = await this.pending.read();
    // A skipped mixed-precision step has an inf/NaN norm by design; its loss is still finite.
    if (!Number.isFinite(loss) || (!this.scaler && !Number.isFinite(gradNorm))) {
      throw new TrainError('nan_loss', `Training diverged at step ${this.step}: loss is ${loss}, gradient norm ${gradNorm} (learning rate ${at.lr}).`, NAN_HINT);
    }
    const { epoch, lr, scaled } = at;
    this.init.onEvent({ type: 'step', step: this.step, epoch, loss, lr, gradNorm, ...window.rates(), ...scaled });
    window.restartAfterLog();
  }

  /** Whether the step just taken ends an evaluation interval (eval strategy 'epoch' or every N steps). */
  private evaluationDue(plan: RunPlan, endOfEpoch: boolean): boolean {
    if (plan.evalEvery === 'epoch') return endOfEpoch || this.step === plan.totalSteps;
    return plan.evalEvery !== null && this.step % plan.evalEvery === 0;
  }

  /**
   * trainStep, or in mixed precision scaledTrainStep; then the LR scheduler counts only the steps whose optimizer
   * ran (the Trainer's optimizer_was_run = scale_before <= scale_after).
   */
  private async optimizerStep(plan: RunPlan, batches: Batch[], opts: StepOptions): Promise<StepResult & Partial<ScaledStepResult>> {
    if (!this.scaler) return trainStep(this.init.model, plan.optimizer, batches, opts);
    const r = await scaledTrainStep(this.init.model, plan.optimizer, batches, opts, this.scaler);
    if (r.lossScale <= this.scaler.scale) this.schedulerSteps += 1;
    return r;
  }

  /**
   * Evaluates, keeps last/best snapshots (and the resume state, before the checkpoint events: an export request
   * they trigger must find this evaluation's state), and counts evaluations without improvement (early stopping).
   */
  private async evaluateValidation(epoch: number): Promise<void> {
    const { model, task, labels, config, onEvent } = this.init;
    const plan = this.plan!;
    onEvent({ type: 'state', state: 'evaluating' });
    const { result } = await evaluateSplit(model, task, labels, this.init.validation!, this.evalOptions());
    const name = plan.bestMetric.name;
    const value = result?.metrics[name];
    const rule = { greaterIsBetter: plan.bestMetric.greaterIsBetter, minDelta: config.earlyStopping.minDelta };
    const { isBest, sinceImprovement } = judgeEvaluation(value, this.best?.value ?? null, this.sinceImprovement, rule);
    this.sinceImprovement = sinceImprovement;
    if (!result || value === undefined || !Number.isFinite(value)) {
      onEvent({ type: 'state', state: 'training' });
      if (result) onEvent({ type: 'eval', step: this.step, epoch, split: 'validation', result, isBest: false });
      return;
    }
    onEvent({ type: 'eval', step: this.step, epoch, split: 'validation', result, isBest });
    const values = await captureWeights(model);
    this.last = { step: this.step, metric: name, value, values };
    if (isBest) this.best = this.last;
    if (this.init.keepResumeState) this.resumePoint = await this.captureResumePoint(this.last);
    onEvent({ type: 'checkpoint', step: this.step, kind: 'last', metric: name, value });
    if (isBest) onEvent({ type: 'checkpoint', step: this.step, kind: 'best', metric: name, value });
    onEvent({ type: 'state', state: 'training' });
  }

  /** Masked LM: evaluation masks from the run's seed, the same at every evaluation. */
  private evalOptions(): Parameters<typeof evaluateSplit>[4] {
    const { config, mlmVocab } = this.init;
    const mlm = mlmVocab ? { mlm: maskedEvalOptions(mlmVocab, config) } : {};
    return { batchSize: config.evalBatchSize, loss: this.plan!.loss.options, ...mlm };
  }

  /** Best weights back in, then the validation predictions and the one test evaluation. */
  private async finish(reason: Exclude<RunOutcome, 'failed'>): Promise<void> {
    const { model, task, labels, config, onEvent } = this.init;
    const plan = this.plan!;
    onEvent({ type: 'state', state: 'evaluating' });
    if (this.best) restoreWeights(model, this.best.values);
    const opts = this.evalOptions();
    let validation: SplitResult | null = null;
    let predictions: Prediction[] = [];
    if (this.init.validation) ({ result: validation, predictions } = await evaluateSplit(model, task, labels, this.init.validation, opts));
    let test: SplitResult | null = null;
    if (this.init.test) {
      test = (await evaluateSplit(model, task, labels, this.init.test, opts)).result;
      if (test) onEvent({ type: 'eval', step: this.best?.step ?? this.step, epoch: 0, split: 'test', result: test, isBest: false });
    }
    onEvent({
      type: 'done',
      reason,
      step: this.step,
      bestStep: this.best?.step ?? null,
      bestMetric: this.best ? { name: this.best.metric, value: this.best.value } : null,
      validation,
      test,
      predictions,
    });
    onEvent({ type: 'state', state: 'finished' });
  }

  /** The latest resume state (evaluation or resume point), for exact resume; null before one (or without `keepResumeState`). */
  resumeState(): ResumeState | null {
    return this.resumePoint;
  }

  /** Weights to export: the best, else the current ones. */
  async exportValues(): Promise<{ step: number; values: Map<string, Float32Array> }> {
    if (this.best) return { step: this.best.step, values: this.best.values };
    return { step: this.step, values: await captureWeights(this.init.model) };
  }
}
