import { useStudio } from '../state/store';

const cell = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The first rows of the first usable file, as parsed. */
export function PreviewTable() {
  const sample = useStudio((s) => s.summary?.sample);
  const columns = useStudio((s) => s.summary?.available);
  if (!sample?.length || !columns?.length) return null;
  return (
    <div className="scroll-x">
      <table className="grid preview" aria-label="First rows">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sample.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{cell(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
