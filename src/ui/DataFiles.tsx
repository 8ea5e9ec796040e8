import { useStudio } from '../state/store';
import type { SplitName } from '../protocol/data';

const SPLITS: SplitName[] = ['train', 'validation', 'test'];

/** The dropped files, the split each one feeds, and per-file row counts. */
export function DataFiles() {
  const files = useStudio((s) => s.dataFiles);
  const reports = useStudio((s) => s.summary?.files);
  const setSplit = useStudio((s) => s.setFileSplit);
  const remove = useStudio((s) => s.removeDataFile);
  if (!files.length) return null;
  return (
    <table className="grid" aria-label="Data files">
      <thead>
        <tr>
          <th>File</th>
          <th>Split</th>
          <th>Rows</th>
          <th>Valid</th>
          <th>
            <span className="sr-only">Remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {files.map((f, i) => {
          const r = reports?.[i];
          return (
            <tr key={`${f.name}-${i}`}>
              <td>{f.name}</td>
              <td>
                <select aria-label={`Split of ${f.name}`} value={r?.split ?? f.split ?? 'train'} onChange={(e) => void setSplit(i, e.target.value as SplitName)}>
                  {SPLITS.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
                {r?.splitWhy && !f.split && <div className="muted small">{r.splitWhy}</div>}
              </td>
              <td>{r?.rows ?? '…'}</td>
              <td>
                {r ? (r.error ? <span className="bad">{r.error}</span> : r.valid) : '…'}
                {r?.warnings?.map((w) => (
                  <div key={w} className="warn-text small" role="note">
                    {w}
                  </div>
                ))}
              </td>
              <td>
                <button type="button" aria-label={`Remove ${f.name}`} onClick={() => void remove(i)}>
                  ✕
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
