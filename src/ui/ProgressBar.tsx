import { formatDuration } from '../charts/series';
import type { Progress } from '../state/dataSlice';

/** Seconds left at the stage's mean rate so far; null until there is a rate to go by. */
export function etaSeconds(p: Progress, now = Date.now()): number | null {
  if (!p.startedAt || p.total <= 0 || p.loaded <= 0 || p.loaded >= p.total) return null;
  const elapsed = (now - p.startedAt) / 1000;
  if (elapsed < 1) return null;
  return (elapsed * (p.total - p.loaded)) / p.loaded;
}

/** A labelled progress bar with the share done and an ETA; indeterminate when the total is unknown. */
export function ProgressBar({ progress }: { progress: Progress | null }) {
  if (!progress) return null;
  const known = progress.total > 0;
  const eta = etaSeconds(progress);
  return (
    <div className="progress">
      <label>
        {progress.label}
        <progress value={known ? progress.loaded : undefined} max={known ? progress.total : undefined} />
        {known && (
          <span className="muted small" data-testid="progress-eta">
            {' '}
            {Math.floor((100 * progress.loaded) / progress.total)} %{eta !== null ? ` · about ${formatDuration(eta)} left` : ''}
          </span>
        )}
      </label>
    </div>
  );
}
