import { useStudio } from '../state/store';

const OP_NAMES: Record<string, string> = {
  layerNorm: 'LayerNorm',
  softmax: 'attention softmax',
  columnSum: 'column sums (bias grads)',
  sumSquares: 'global grad norm',
  embeddingGrad: 'embedding gradient',
};

const opName = (op: string) => OP_NAMES[op] ?? op.replace(/^matmul\./, 'matmul ');

/** "12 flat · 3 workgroup · 18 ours": how many shapes chose each variant. */
function tally(chosen: string[]): string {
  const counts = new Map<string, number>();
  for (const c of chosen) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${n} ${v}`).join(' · ');
}

/** Which kernel variant each op runs on this GPU: the mode from `?kernels=` and the autotuner's choices. */
export function KernelChoices() {
  const mode = useStudio((s) => s.kernelMode);
  const error = useStudio((s) => s.kernelModeError);
  const kernels = useStudio((s) => s.kernels);
  return (
    <div data-testid="kernels">
      <h3>Kernels</h3>
      <p className="muted">
        Mode <strong>{mode}</strong>
        {mode === 'auto' ? ': each op runs the variant measured fastest on this GPU when a run starts' : ' (forced with ?kernels=)'}.
        {error && <span role="alert"> {error}</span>}
      </p>
      {kernels && kernels.entries.length > 0 && (
        <details>
          <summary className="muted">
            {kernels.entries.length} op shapes tuned in {(kernels.ms / 1000).toFixed(1)} s ({kernels.timing}): {tally(kernels.entries.map((e) => e.chosen))}
          </summary>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">op</th>
                <th scope="col">shape</th>
                <th scope="col">variant</th>
                <th scope="col">times (ms)</th>
              </tr>
            </thead>
            <tbody>
              {kernels.entries.map((e) => (
                <tr key={`${e.op}|${e.key}`}>
                  <td>{opName(e.op)}</td>
                  <td>{e.key}</td>
                  <td>{e.chosen}</td>
                  <td>
                    {e.cached
                      ? 'cached'
                      : Object.entries(e.ms)
                          .map(([v, t]) => `${v} ${(t as number).toFixed(2)}`)
                          .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </div>
  );
}
