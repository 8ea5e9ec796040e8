/**
 * Chart redraws share animation frames under a time budget: after an event every chart wants to redraw, and six
 * uPlot redraws in one frame took 40–60 ms on a 2-core machine, a long task on its own. A frame runs queued
 * redraws until BUDGET_MS is spent (always at least one) and leaves the rest to the next frame.
 */
const BUDGET_MS = 12;
const queue = new Set<() => void>();
let frame = 0;

function flush(): void {
  frame = 0;
  const start = performance.now();
  for (const redraw of queue) {
    queue.delete(redraw);
    redraw();
    if (performance.now() - start > BUDGET_MS) break;
  }
  if (queue.size) frame = requestAnimationFrame(flush);
}

/** Redraw in an upcoming frame (once, however often it is asked before then). */
export function scheduleRedraw(redraw: () => void): void {
  queue.add(redraw);
  if (!frame) frame = requestAnimationFrame(flush);
}

export function cancelRedraw(redraw: () => void): void {
  queue.delete(redraw);
}
