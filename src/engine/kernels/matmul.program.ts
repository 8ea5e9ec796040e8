/**
 * The WGSL of our matmul: C[b] = alpha · A[b]·B[b] (+ bias) (→ GELU) (+ residual), register-tiled and
 * barrier-free. Each invocation computes a tileM × tileN block of C (tileN a multiple of 4, kept as vec4
 * accumulators) from a k-loop unrolled by 4; no workgroup memory, so nothing waits on a barrier (the
 * cost that makes TF.js's shared-memory matmul slow on SwiftShader, see program.ts). Real GPUs may still
 * prefer TF.js's: the autotuner picks per shape (select.ts).
 *
 * Forms, by index arithmetic only (no transposes anywhere):
 *   AB   A stored [M, K], B stored [K, N]      (dy·W, P·V, dS·K)
 *   ABt  A stored [M, K], B stored [N, K]      (x·Wᵀ, Q·Kᵀ, dC·Vᵀ)
 *   AtB  A stored [K, M], B stored [K, N]      (dyᵀ·x, dSᵀ·Q, Pᵀ·dC)
 * Every operand is addressed as off + outer·(b / batchInner) + inner·(b % batchInner) + row·ld + col,
 * with its last stored axis contiguous. Splitting the batch into (outer, inner) lets attention read heads
 * straight out of a [B·T, H] (or [B·T, 3H]) projection: batch (b, head) → outer = T·ld, inner = D.
 * A shared rank-2 operand has outer = inner = 0.
 *
 * Operands whose contiguous extent, ld, off and batch strides are all multiples of 4 are bound as
 * array<vec4<f32>> (one load per 4 floats, one robustness clamp instead of four); the others are read
 * as scalars. Out-of-range rows/columns of a partial tile read a clamped (valid) element and are never
 * stored, so any M, K, N ≥ 1 works. On SwiftShader a vec4 load is still four 4-lane gathers (one per
 * component; lanes are invocations), so there what counts is outputs per load: the tile size (matmul.ts).
 *
 * `sources: 3` takes B and the bias from buffer B<j>/Bias<j> for batch j (fused Q, K, V: one dispatch,
 * three weight tensors); `sumBatch` accumulates every batch into one output (dx = Σ_j dY_j·W_j).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { ProgramSpec } from './program.ts';

export type MatmulForm = 'AB' | 'ABt' | 'AtB';

export interface MatmulFlags {
  form: MatmulForm;
  /** Rows and columns of C per invocation; tileN a multiple of 4, tileM a multiple of 4 when vecA on AtB. */
  tileM: number;
  tileN: number;
  /** Bind A / B / the output as vec4 arrays (the host checks alignment, see matmul.ts). */
  vecA: boolean;
  vecB: boolean;
  vecC: boolean;
  bias: boolean;
  gelu: boolean;
  residual: boolean;
  sources: 1 | 3;
  sumBatch: boolean;
  /** Invocations per workgroup. */
  workgroupSize: number;
}

/** Uniform fields, in the order matmul.ts passes them. */
export const MATMUL_UNIFORMS =
  'M : i32, K : i32, N : i32, batch : i32, batchInner : i32, ' +
  'aOff : i32, aOuter : i32, aInner : i32, lda : i32, ' +
  'bOff : i32, bOuter : i32, bInner : i32, ldb : i32, ' +
  'cOff : i32, cOuter : i32, cInner : i32, ldc : i32, alpha : f32,';

export function matmulKey(f: MatmulFlags): string {
  const on = (b: boolean, s: string) => (b ? s : '');
  return (
    `studio_matmul_${f.form}_${f.tileM}x${f.tileN}_${on(f.vecA, 'va')}${on(f.vecB, 'vb')}${on(f.vecC, 'vc')}` +
    `${on(f.bias, '_bias')}${on(f.gelu, '_gelu')}${on(f.residual, '_res')}_s${f.sources}${on(f.sumBatch, '_sum')}_w${f.workgroupSize}`
  );
}

export function matmulInputNames(f: MatmulFlags): string[] {
  const names = ['A'];
  for (let j = 0; j < f.sources; j++) names.push(f.sources === 1 ? 'B' : `B${j}`);
  if (f.bias) for (let j = 0; j < f.sources; j++) names.push(f.sources === 1 ? 'Bias' : `Bias${j}`);
  if (f.residual) names.push('Residual');
  return names;
}

/**
 * GELU in its exact form, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), through erfc (Numerical Recipes' erfcc, fractional
 * error < 1.2e-7 everywhere): Φ(x) = 0.5·erfc(|x|/√2) for x < 0, 1 − that for x ≥ 0. WGSL has no erf, and
 * TF.js's own (Abramowitz–Stegun 7.1.26) is 1.5e-7 in absolute terms, i.e. large relative errors far left.
 * The derivative Φ(x) + x·φ(x) is for the backward epilogue of callers that saved the pre-activation.
 */
export const GELU_WGSL = `
  fn studioErfc(z : f32) -> f32 {
    let t = 1.0 / (1.0 + 0.5 * z);
    let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
      t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    return t * exp(-z * z + p);
  }
  fn studioPhi(x : f32) -> f32 {
    let hc = 0.5 * studioErfc(abs(x) * 0.70710678118654752);
    return select(1.0 - hc, hc, x < 0.0);
  }
  fn studioGelu(x : f32) -> f32 { return x * studioPhi(x); }
  fn studioGeluGrad(x : f32) -> f32 { return studioPhi(x) + x * 0.39894228040143268 * exp(-0.5 * x * x); }
  fn studioGelu4(v : vec4<f32>) -> vec4<f32> {
    return vec4<f32>(studioGelu(v.x), studioGelu(v.y), studioGelu(v.z), studioGelu(v.w));
  }`;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const COMP = ['x', 'y', 'z', 'w'];

/** The k-loop body for one k-step of `steps` (4 or 1) values of k, reading B from buffer `bName`. */
function kStep(f: MatmulFlags, steps: number, bName: string): string {
  const TM = f.tileM;
  const TN = f.tileN;
  const lines: string[] = [];
  // a(i, r): A at row m0+i, k+r.   b(r, c): vec4 of B at k+r, columns n0+4c..n0+4c+3.
  let a: (i: number, r: number) => string;
  let b: (r: number, c: number) => string;
  if (f.form === 'AtB') {
    if (f.vecA && steps === 4) {
      for (const r of range(steps)) for (const g of range(TM / 4)) lines.push(`let a${r}_${g} = A[aRow${r} + mv${g}];`);
      a = (i, r) => `a${r}_${i >> 2}.${COMP[i & 3]}`;
    } else if (f.vecA) {
      for (const g of range(TM / 4)) lines.push(`let a0_${g} = A[aBase4 + k * lda4 + mv${g}];`);
      a = (i) => `a0_${i >> 2}.${COMP[i & 3]}`;
    } else {
      for (const i of range(TM)) {
        lines.push(`let a${i} = vec4<f32>(${range(4).map((r) => (r < steps ? `A[aBase + (k + ${r}) * uniforms.lda + mc${i}]` : '0.0')).join(', ')});`);
      }
      a = (i, r) => `a${i}.${COMP[r]}`;
    }
  } else if (f.vecA && steps === 4) {
    for (const i of range(TM)) lines.push(`let a${i} = A[ar${i} + k / 4];`);
    a = (i, r) => `a${i}.${COMP[r]}`;
  } else {
    for (const i of range(TM)) {
      lines.push(`let a${i} = vec4<f32>(${range(4).map((r) => (r < steps ? `A[ar${i} + k + ${r}]` : '0.0')).join(', ')});`);
    }
    a = (i, r) => `a${i}.${COMP[r]}`;
  }
  if (f.form === 'ABt') {
    for (const j of range(TN)) {
      if (f.vecB && steps === 4) lines.push(`let bv${j} = ${bName}[bc${j}v + k / 4];`);
      else lines.push(`let bv${j} = vec4<f32>(${range(4).map((r) => (r < steps ? `${bName}[bc${j} + k + ${r}]` : '0.0')).join(', ')});`);
    }
    b = (r, c) => `vec4<f32>(${range(4).map((j) => `bv${4 * c + j}.${COMP[r]}`).join(', ')})`;
  } else {
    for (const r of range(steps)) {
      for (const c of range(TN / 4)) {
        const row = `(k + ${r}) * uniforms.ldb`;
        if (f.vecB) lines.push(`let b${r}_${c} = ${bName}[bBase4 + (k + ${r}) * ldb4 + nv${c}];`);
        else lines.push(`let b${r}_${c} = vec4<f32>(${range(4).map((j) => `${bName}[bBase + ${row} + nc${4 * c + j}]`).join(', ')});`);
      }
    }
    b = (r, c) => `b${r}_${c}`;
  }
  for (const i of range(TM)) {
    for (const c of range(TN / 4)) {
      const terms = range(steps).map((r) => `${a(i, r)} * ${b(r, c)}`);
      lines.push(`acc${i}_${c} += ${terms.join(' + ')};`);
    }
  }
  return lines.join('\n          ');
}

/** Offsets that depend on the batch but not on k, then the two k-loops (by 4, then the remainder). */
function kLoops(f: MatmulFlags, bName: string): string {
  const TM = f.tileM;
  const TN = f.tileN;
  const pre: string[] = [];
  if (f.form === 'AtB') {
    if (f.vecA) pre.push('let aBase4 = aBase / 4;');
  } else {
    for (const i of range(TM)) pre.push(`let ar${i} = ${f.vecA ? '(' : ''}aBase + mc${i} * uniforms.lda${f.vecA ? ') / 4' : ''};`);
  }
  if (f.form === 'ABt') {
    for (const j of range(TN)) {
      pre.push(`let bc${j} = bBase + nc${j} * uniforms.ldb;`);
      if (f.vecB) pre.push(`let bc${j}v = bc${j} / 4;`);
    }
  } else if (f.vecB) pre.push('let bBase4 = bBase / 4;');
  // k-contiguous vec4 operands guarantee K % 4 == 0: no remainder loop then.
  const kContiguousVec = (f.form !== 'AtB' && f.vecA) || (f.form === 'ABt' && f.vecB);
  const atbRows = f.form === 'AtB' && f.vecA ? range(4).map((r) => `let aRow${r} = aBase4 + (k + ${r}) * lda4;`).join('\n          ') : '';
  return `
        ${pre.join('\n        ')}
        var k = 0;
        for (; k + 4 <= uniforms.K; k += 4) {
          ${atbRows}
          ${kStep(f, 4, bName)}
        }
        ${kContiguousVec ? '' : `for (; k < uniforms.K; k++) {
          ${kStep(f, 1, bName)}
        }`}`;
}

function epilogue(f: MatmulFlags): string {
  const TM = f.tileM;
  const TN = f.tileN;
  const biasOf = (j: number) => (f.sources === 1 ? 'Bias' : `Bias${j}`);
  const lines: string[] = [];
  for (const i of range(TM)) {
    lines.push(`if (m0 + ${i} < uniforms.M) {`);
    lines.push(`  let row = cBase + (m0 + ${i}) * uniforms.ldc;`);
    for (const c of range(TN / 4)) {
      const n = `n0 + ${4 * c}`;
      lines.push(`  if (${n} < uniforms.N) {`);
      lines.push(`    var v = acc${i}_${c} * uniforms.alpha;`);
      if (f.bias) {
        const load = (name: string) => `vec4<f32>(${range(4).map((j) => `${name}[nc${4 * c + j}]`).join(', ')})`;
        if (f.sources === 1) lines.push(`    v += ${load('Bias')};`);
        else lines.push(`    v += select(select(${load(biasOf(2))}, ${load(biasOf(1))}, b == 1), ${load(biasOf(0))}, b == 0);`);
      }
      if (f.gelu) lines.push('    v = studioGelu4(v);');
      if (f.residual) {
        lines.push(`    let rrow = row - uniforms.cOff;`);
        lines.push(`    v += vec4<f32>(${range(4).map((j) => `Residual[rrow + nc${4 * c + j}]`).join(', ')});`);
      }
      if (f.vecC) lines.push(`    result[(row + ${n}) / 4] = v;`);
      else {
        for (const j of range(4)) {
          const store = `result[row + ${n} + ${j}] = v.${COMP[j]};`;
          lines.push(j === 0 ? `    ${store}` : `    if (${n} + ${j} < uniforms.N) { ${store} }`);
        }
      }
      lines.push('  }');
    }
    lines.push('}');
  }
  return lines.join('\n      ');
}

export function matmulMain(f: MatmulFlags): string {
  const TM = f.tileM;
  const TN = f.tileN;
  const accs = range(TM).flatMap((i) => range(TN / 4).map((c) => `var acc${i}_${c} = vec4<f32>(0.0);`));
  // Clamped row / column indices: partial tiles read valid memory and skip the store.
  const clamps = [
    ...range(TM).map((i) => `let mc${i} = min(m0 + ${i}, uniforms.M - 1);`),
    ...range(TN).map((j) => `let nc${j} = min(n0 + ${j}, uniforms.N - 1);`),
  ];
  if (f.form === 'AtB' && f.vecA) clamps.push('let lda4 = uniforms.lda / 4;', ...range(TM / 4).map((g) => `let mv${g} = min(m0 / 4 + ${g}, uniforms.M / 4 - 1);`));
  if (f.form !== 'ABt' && f.vecB) clamps.push('let ldb4 = uniforms.ldb / 4;', ...range(TN / 4).map((c) => `let nv${c} = min(n0 / 4 + ${c}, uniforms.N / 4 - 1);`));
  const body = (bName: string) => kLoops(f, bName);
  const sourced =
    f.sources === 1
      ? body('B')
      : `if (bb == 0) { ${body('B0')} } else if (bb == 1) { ${body('B1')} } else { ${body('B2')} }`;
  return `
    ${f.gelu ? GELU_WGSL : ''}
    fn main(index : i32) {
      let tilesN = (uniforms.N + ${TN - 1}) / ${TN};
      let perBatch = ((uniforms.M + ${TM - 1}) / ${TM}) * tilesN;
      let outBatches = ${f.sumBatch ? '1' : 'uniforms.batch'};
      if (index >= perBatch * outBatches) { return; }
      let b = index / perBatch;
      let rest = index - b * perBatch;
      let tm = rest / tilesN;
      let m0 = tm * ${TM};
      let n0 = (rest - tm * tilesN) * ${TN};
      ${clamps.join('\n      ')}
      ${accs.join('\n      ')}
      for (var bb = ${f.sumBatch ? '0' : 'b'}; bb < ${f.sumBatch ? 'uniforms.batch' : 'b + 1'}; bb++) {
        let bo = bb / uniforms.batchInner;
        let bi = bb - bo * uniforms.batchInner;
        let aBase = uniforms.aOff + bo * uniforms.aOuter + bi * uniforms.aInner;
        let bBase = uniforms.bOff + bo * uniforms.bOuter + bi * uniforms.bInner;
        ${sourced}
      }
      let co = b / uniforms.batchInner;
      let cBase = uniforms.cOff + co * uniforms.cOuter + (b - co * uniforms.batchInner) * uniforms.cInner;
      ${epilogue(f)}
    }`;
}

export function matmulSpec(f: MatmulFlags, threads: number, outputSize: number): ProgramSpec {
  return {
    key: matmulKey(f),
    inputs: matmulInputNames(f),
    uniforms: MATMUL_UNIFORMS,
    outputSize,
    threads,
    workgroupSize: f.workgroupSize,
    main: matmulMain(f),
  };
}

/** Which bindings are vec4 arrays: FlatProgram binds everything as scalars, so matmul.ts sets these. */
export function matmulComponents(f: MatmulFlags): Pick<WebGPUProgram, 'variableComponents' | 'outputComponent'> {
  const names = matmulInputNames(f);
  return {
    variableComponents: names.map((n) => ((n === 'A' && f.vecA) || (n.startsWith('B') && !n.startsWith('Bias') && f.vecB) ? 4 : 1)),
    outputComponent: f.vecC ? 4 : 1,
  };
}

/** y = gelu(z) (+ residual), element-wise: the forward of a GELU matmul whose pre-activation is kept for the gradient. */
export const geluSpec = (size: number, residual: boolean): ProgramSpec => ({
  key: `studio_matmul_gelu${residual ? '_res' : ''}`,
  inputs: residual ? ['Z', 'Residual'] : ['Z'],
  uniforms: 'size : i32,',
  outputSize: size,
  threads: size,
  main: `
    ${GELU_WGSL}
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = studioGelu(Z[index])${residual ? ' + Residual[index]' : ''}; }
    }`,
});

/** dz = dy · gelu'(z), element-wise. */
export const geluGradSpec = (size: number): ProgramSpec => ({
  key: 'studio_matmul_gelu_grad',
  inputs: ['Dy', 'Z'],
  uniforms: 'size : i32,',
  outputSize: size,
  threads: size,
  main: `
    ${GELU_WGSL}
    fn main(index : i32) {
      if (index < uniforms.size) { result[index] = Dy[index] * studioGeluGrad(Z[index]); }
    }`,
});
