/** Turns WebGPU's out-of-band failures (device lost, out of memory) into errors the training loop can raise. */
import * as tf from '@tensorflow/tfjs';
import type { ErrorKind } from '../protocol/train';

export class TrainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const OOM_HINT = 'Lower the batch size or the maximum sequence length, or use the Low memory preset (LoRA or frozen encoder).';
export const DEVICE_LOST_HINT = 'The GPU was reset (driver crash, another tab, sleep). Reload the page and resume from the kept checkpoint.';

/** Classifies an exception thrown by a TF.js op. */
export function classifyError(e: unknown): TrainError {
  if (e instanceof TrainError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/out of memory|OOM|failed to allocate|allocation failed/i.test(message)) {
    return new TrainError('out_of_memory', `GPU out of memory: ${message}`, OOM_HINT);
  }
  if (/device.*lost|lost.*device|GPUDevice.*destroyed/i.test(message)) {
    return new TrainError('device_lost', `GPU device lost: ${message}`, DEVICE_LOST_HINT);
  }
  return new TrainError('internal', message);
}

/** Listens on the backend's GPUDevice; `check()` throws once something went wrong. */
export class GpuWatch {
  private failure: TrainError | null = null;
  private readonly device: GPUDevice | null;
  private readonly onError = (ev: Event) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    if (typeof GPUOutOfMemoryError !== 'undefined' && err instanceof GPUOutOfMemoryError) {
      this.failure ??= new TrainError('out_of_memory', `GPU out of memory: ${err.message}`, OOM_HINT);
    }
  };

  constructor() {
    const backend = tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }) : null;
    this.device = backend?.device ?? null;
    this.device?.lost.then((info) => {
      this.failure ??= new TrainError('device_lost', `GPU device lost (${info.reason}): ${info.message}`, DEVICE_LOST_HINT);
    });
    this.device?.addEventListener('uncapturederror', this.onError);
  }

  check(): void {
    if (this.failure) throw this.failure;
  }

  dispose(): void {
    this.device?.removeEventListener('uncapturederror', this.onError);
  }
}
