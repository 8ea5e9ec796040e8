import { useStudio } from '../state/store';

/** Row errors (file, line, field, reason) and the choice to train without the invalid rows. */
export function ValidationErrors() {
  const errors = useStudio((s) => s.summary?.errors);
  const errorCount = useStudio((s) => s.summary?.errorCount ?? 0);
  const invalidRows = useStudio((s) => s.summary?.invalidRows ?? 0);
  const skip = useStudio((s) => s.skipInvalid);
  const setSkip = useStudio((s) => s.setSkipInvalid);
  if (!errors?.length) return null;
  return (
    <div className="errors" role="region" aria-label="Validation errors">
      <h3>
        {errorCount} problem{errorCount === 1 ? '' : 's'} in {invalidRows} row{invalidRows === 1 ? '' : 's'}
      </h3>
      <div className="scroll-y">
        <table className="grid">
          <thead>
            <tr>
              <th>File</th>
              <th>Line</th>
              <th>Field</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e, i) => (
              <tr key={i}>
                <td>{e.file}</td>
                <td>{e.line}</td>
                <td>{e.field}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {errors.length < errorCount && <p className="muted">The first {errors.length} are listed.</p>}
      <label className="check">
        <input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} />
        Continue without the {invalidRows} invalid row{invalidRows === 1 ? '' : 's'}
      </label>
    </div>
  );
}
