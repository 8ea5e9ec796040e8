/**
 * Disk a run needs in this browser, from its parameter counts, against what `navigator.storage.estimate()` says
 * is free. Pure: the page fetches the estimate, this does the arithmetic and the words.
 */

export interface StorageNeed {
  /** One resume state: weights, both AdamW moments of the trainable parameters, and the best weights. */
  resumeBytes: number;
  /** One best checkpoint in Hugging Face format (float32 weights). */
  checkpointBytes: number;
  /**
   * What the run holds at its peak: a new resume state and a new best checkpoint are written completely before
   * the previous ones are deleted (nothing is lost on a failed save), so each is counted twice.
   */
  totalBytes: number;
}

/** fp32 throughout; headers and config files are a few KB and not counted. */
export function runStorageNeed(parameters: number, trainableParameters: number): StorageNeed {
  const weights = parameters * 4;
  const resumeBytes = weights + trainableParameters * 8 + weights;
  const checkpointBytes = weights;
  return { resumeBytes, checkpointBytes, totalBytes: 2 * (resumeBytes + checkpointBytes) };
}

const gb = (n: number) => `${(n / 1e9).toFixed(n < 1e9 ? 2 : 1)} GB`;

/**
 * A sentence when the run will not fit in what the browser leaves this site (quota − usage), or when it takes
 * most of it; null when it fits or the browser gives no estimate. `alreadyStored`: bytes of this run's own files
 * that its new saves will replace (a resumed run), counted as free.
 */
export function storageWarning(need: StorageNeed, estimate: { quota?: number; usage?: number } | null, alreadyStored = 0): string | null {
  if (!estimate?.quota) return null;
  const free = estimate.quota - (estimate.usage ?? 0) + alreadyStored;
  const what = `${gb(need.totalBytes)} (resume state ${gb(need.resumeBytes)} and best checkpoint ${gb(need.checkpointBytes)}, each twice while it is replaced)`;
  if (need.totalBytes > free) {
    return `This run needs about ${what} of browser storage, but only ${gb(Math.max(0, free))} is free for this site: resume points and checkpoints may fail to save. Delete old runs, free disk space, or train with LoRA or a frozen encoder (smaller optimizer state).`;
  }
  if (need.totalBytes > 0.8 * free) return `This run needs about ${what} of browser storage, most of the ${gb(free)} free for this site.`;
  return null;
}
