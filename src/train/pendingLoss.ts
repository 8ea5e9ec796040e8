/**
 * The losses of the steps since the last step event, summed on the GPU and read back only when logged (never a
 * read per step), with the last step's gradient norm. One owner for these GPU scalars: the trainer adds each
 * step's result, reads at logging steps, hands the sum to a resume state, and disposes what is left at the end.
 */
import * as tf from '@tensorflow/tfjs';
import type { StepResult } from './step';

export class PendingLoss {
  private sum: tf.Scalar | null = null;
  private norm: tf.Scalar | null = null;
  /** Steps the sum covers. */
  steps = 0;

  /** A resumed run's losses that were not logged yet when it was saved (takes ownership of `sum`). */
  restore(sum: tf.Scalar | null, steps: number): void {
    this.dispose();
    this.sum = sum;
    this.steps = steps;
  }

  /** Takes ownership of the step's loss and norm. */
  add(result: StepResult): void {
    this.steps += 1;
    const prev = this.sum;
    this.sum = prev ? (tf.add(prev, result.loss) as tf.Scalar) : result.loss;
    if (prev) tf.dispose([prev, result.loss]);
    this.norm?.dispose();
    this.norm = result.gradNorm;
  }

  /** The sum, still owned here (a resume state reads it). */
  get lossSum(): tf.Scalar | null {
    return this.sum;
  }

  /** Mean loss over the pending steps and the last norm, read back; the window starts again. */
  async read(): Promise<{ loss: number; gradNorm: number }> {
    if (!this.sum || !this.norm) throw new Error('PendingLoss.read: no step since the last read');
    const [sum, norm] = await Promise.all([this.sum.data(), this.norm.data()]);
    const loss = sum[0] / this.steps;
    this.dispose();
    this.steps = 0;
    return { loss, gradNorm: norm[0] };
  }

  dispose(): void {
    tf.dispose([this.sum, this.norm].filter((t): t is tf.Scalar => t !== null));
    this.sum = this.norm = null;
  }
}
