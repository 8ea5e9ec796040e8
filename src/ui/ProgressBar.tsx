import type { Progress } from '../state/dataSlice';

/** A labelled progress bar; indeterminate when the total is unknown. */
export function ProgressBar({ progress }: { progress: Progress | null }) {
  if (!progress) return null;
  const known = progress.total > 0;
  return (
    <div className="progress">
      <label>
        {progress.label}
        <progress value={known ? progress.loaded : undefined} max={known ? progress.total : undefined} />
      </label>
    </div>
  );
}
