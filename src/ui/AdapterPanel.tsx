import { fmtBytes } from '../state/selectors';
import { useStudio } from '../state/store';
import { KernelChoices } from './KernelChoices';

/** Shows the GPU the studio will train on, or how to get WebGPU when the browser has none. */
export function AdapterPanel() {
  const adapter = useStudio((s) => s.adapter);
  if (adapter.state === 'probing') return <section className="panel" aria-busy="true">Looking for a WebGPU adapter…</section>;
  if (adapter.state === 'missing') {
    return (
      <section className="panel warn" role="alert" aria-labelledby="gpu-missing">
        <h2 id="gpu-missing">WebGPU is not available</h2>
        <p>{adapter.help}</p>
        <p>You can still look at your data and past runs; training and the playground need WebGPU.</p>
      </section>
    );
  }
  const a = adapter.report;
  return (
    <section className="panel" aria-labelledby="gpu-title">
      <details open>
        <summary>
          <h2 id="gpu-title" className="inline">
            GPU
          </h2>{' '}
          <span className="muted">
            {a.vendor || 'unknown'} · {a.architecture || 'unknown'}
          </span>
        </summary>
        <dl className="kv" data-testid="adapter">
          <dt>Vendor</dt>
          <dd>{a.vendor || 'unknown'}</dd>
          <dt>Architecture</dt>
          <dd>{a.architecture || 'unknown'}</dd>
          {a.description && (
            <>
              <dt>Description</dt>
              <dd>{a.description}</dd>
            </>
          )}
          <dt>shader-f16</dt>
          <dd>{a.shaderF16 ? 'supported' : 'not supported'}</dd>
          <dt>Largest buffer</dt>
          <dd>{fmtBytes(a.limits.maxBufferSize)}</dd>
          <dt>Largest storage binding</dt>
          <dd>{fmtBytes(a.limits.maxStorageBufferBindingSize)}</dd>
          <dt>Storage buffers per shader</dt>
          <dd>{a.limits.maxStorageBuffersPerShaderStage}</dd>
          <dt>Workgroup invocations</dt>
          <dd>{a.limits.maxComputeInvocationsPerWorkgroup}</dd>
        </dl>
        <KernelChoices />
      </details>
    </section>
  );
}
