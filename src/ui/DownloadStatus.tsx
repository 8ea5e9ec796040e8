import { fmtBytes } from '../state/selectors';
import { useStudio } from '../state/store';

/** Which file is downloading, how much, how fast; or that it came from the browser cache. */
export function DownloadStatus() {
  const d = useStudio((s) => s.download);
  const status = useStudio((s) => s.modelStatus);
  const error = useStudio((s) => s.modelError);
  if (status === 'error' && error) {
    return (
      <p className="bad" role="alert">
        {error}
      </p>
    );
  }
  if (status !== 'downloading') return null;
  if (!d) return <p aria-live="polite">Connecting…</p>;
  return (
    <div className="progress" aria-live="polite">
      <label>
        {d.fromCache ? `${d.file}: from the browser cache` : `Downloading ${d.file}: ${fmtBytes(d.loaded)}${d.total ? ` of ${fmtBytes(d.total)}` : ''} · ${fmtBytes(d.bytesPerSecond)}/s`}
        <progress value={d.total ? d.loaded : undefined} max={d.total || undefined} />
      </label>
    </div>
  );
}
