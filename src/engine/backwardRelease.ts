/**
 * Frees memory as TF.js's backward pass goes, instead of at its end. TF.js 4.22's `backpropagateGradients`
 * (tfjs-core tape.js) walks the tape from the loss back and keeps in a map every intermediate gradient it
 * computes, and every node keeps the tensors it saved for its gradient, until `engine.gradients` disposes
 * them all after the last node: the peak of a step is every activation gradient of every layer at once.
 * Yet the gradient of a tensor is read only by the node that produced it, and a node's saved tensors only by
 * its own gradient, so both can go as soon as that node's gradient has run.
 *
 * How: `releaseDuringBackward()` is called at the end of the function given to tf.variableGrads, after the
 * forward pass has recorded the tape and before `engine.gradients` filters it (the filtered copies share each
 * node's `gradient` function, so wrapping it on the recorded nodes is enough). The wrapper
 *   - counts the map slots that hold each gradient object it sees returned (a gradient function may return
 *     its dy itself, e.g. a residual's, so one object can be the gradient of two tensors);
 *   - when the next node's gradient starts, the previous node's thunks have all run and the engine has added
 *     their results into the map: its dys drop one hold each and are disposed at none, its saved tensors
 *     (engine-made clones, `keep(clone(t))`, read by nobody else) are disposed, and a returned gradient that
 *     the engine added into an existing one (`add(cur, dx)`, which disposes cur but not dx) is disposed.
 * The last node's tensors and anything unaccounted for are left to the engine, which disposes them as before
 * (disposing a tensor twice is a no-op). It touches, read-only except for `gradient`, these TF.js 4.22
 * internals: `engine.state.activeTape`, `engine.state.gradientDepth`, and the tape node fields `gradient`,
 * `inputs`, `outputs` and `saved`. Only for a first-order gradient (gradientDepth 1) with the engine's own dy
 * (variableGrads passes none): a caller's dy is never disposed.
 */
import * as tf from '@tensorflow/tfjs';

type Thunks = Record<string, () => tf.Tensor>;

interface TapeNode {
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Thunks;
}

interface EngineState {
  activeTape: TapeNode[] | null;
  gradientDepth: number;
}

export function releaseDuringBackward(): void {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  const tape = state.activeTape;
  if (!tape || state.gradientDepth !== 1) return;
  /** Map slots holding each gradient object we saw returned (absent: an object made by the engine, one slot). */
  const holds = new Map<tf.Tensor, number>();
  /** The gradient object our records say is in the engine's map for a tensor id. */
  const slotOf = new Map<number, tf.Tensor>();
  /** Tensor ids that have a gradient in the engine's map already. */
  const seen = new Set<number>();
  let previous: { dys: (tf.Tensor | null)[]; saved: tf.Tensor[]; added: tf.Tensor[] } | null = null;

  const release = (t: tf.Tensor) => {
    const n = (holds.get(t) ?? 1) - 1;
    if (n > 0) holds.set(t, n);
    else {
      holds.delete(t);
      t.dispose();
    }
  };

  const finishPrevious = () => {
    if (!previous) return;
    for (const dy of previous.dys) if (dy) release(dy);
    for (const s of previous.saved) if (!holds.has(s)) s.dispose();
    for (const dx of previous.added) if (!holds.has(dx)) dx.dispose();
    previous = null;
  };

  for (const node of tape) {
    const gradient = node.gradient;
    if (!gradient) continue;
    node.gradient = (dys) => {
      finishPrevious();
      // A dy the engine made (a sum, the initial ones) holds its one slot; a thunk may return it as a dx too.
      for (const dy of dys) if (dy && !holds.has(dy)) holds.set(dy, 1);
      const thunks = gradient(dys);
      const current = { dys: [...dys], saved: node.saved ?? [], added: [] as tf.Tensor[] };
      const wrapped: Thunks = {};
      for (const [name, thunk] of Object.entries(thunks)) {
        wrapped[name] = () => {
          const dx = thunk();
          const x = node.inputs[name];
          if (x && seen.has(x.id)) {
            // The engine will store add(cur, dx) (an object we never see) and dispose cur: dx is then held by no slot.
            // cur leaves its slot; the engine disposes it after the add, so only its count drops here.
            const cur = slotOf.get(x.id);
            const left = cur ? (holds.get(cur) ?? 1) - 1 : 0;
            if (cur && left > 0) holds.set(cur, left);
            else if (cur) holds.delete(cur);
            slotOf.delete(x.id);
            current.added.push(dx);
          } else if (x) {
            seen.add(x.id);
            slotOf.set(x.id, dx);
            holds.set(dx, (holds.get(dx) ?? 0) + 1);
          }
          return dx;
        };
      }
      previous = current;
      return wrapped;
    };
  }
}
