import { useEffect, useState } from 'react';
import { describeAdapter, WEBGPU_HELP, type AdapterReport } from '../engine/backend';

type State = { kind: 'probing' } | { kind: 'ready'; adapter: AdapterReport } | { kind: 'missing' };

const bytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(0)} MiB`);

/** Shows the GPU the studio will train on, or how to get WebGPU when the browser has none. */
export function AdapterPanel() {
  const [state, setState] = useState<State>({ kind: 'probing' });
  useEffect(() => {
    describeAdapter()
      .then((adapter) => setState(adapter ? { kind: 'ready', adapter } : { kind: 'missing' }))
      .catch(() => setState({ kind: 'missing' }));
  }, []);

  if (state.kind === 'probing') return <section className="panel" aria-busy="true">Looking for a WebGPU adapter…</section>;
  if (state.kind === 'missing') {
    return (
      <section className="panel warn" role="alert" aria-labelledby="gpu-missing">
        <h2 id="gpu-missing">WebGPU is not available</h2>
        <p>{WEBGPU_HELP}</p>
      </section>
    );
  }
  const a = state.adapter;
  return (
    <section className="panel" aria-labelledby="gpu-title">
      <h2 id="gpu-title">GPU</h2>
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
        <dd>{bytes(a.limits.maxBufferSize)}</dd>
        <dt>Largest storage binding</dt>
        <dd>{bytes(a.limits.maxStorageBufferBindingSize)}</dd>
        <dt>Storage buffers per shader</dt>
        <dd>{a.limits.maxStorageBuffersPerShaderStage}</dd>
        <dt>Workgroup invocations</dt>
        <dd>{a.limits.maxComputeInvocationsPerWorkgroup}</dd>
      </dl>
    </section>
  );
}
