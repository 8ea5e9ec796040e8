import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { TrainClient } from '../../../src/client/trainClient';
import { emptyHistory } from '../../../src/charts/history';
import type { RunRecord } from '../../../src/persist/runs';
import type { TrainEvent } from '../../../src/protocol/train';
import { RunController } from '../../../src/state/runController';
import { useStudio } from '../../../src/state/store';

// The run's one owner, in Node: the store is the real one; IndexedDB is absent, so saving fails quietly
// (as it does when the browser refuses storage) and the page state is what is checked.

function record(): RunRecord {
  return {
    id: 'run-1', name: 'r', createdAt: 1, updatedAt: 1, status: 'running', task: 'classification', labels: ['a', 'b'],
    model: { kind: 'builtin' } as unknown as RunRecord['model'], modelLabel: 'm', datasetId: 'run-1', taskOverride: 'auto', columns: {}, maxLength: 32,
    config: {}, presetId: null, totalSteps: 0, stepOffset: 0, lastStep: 0, bestStep: null, bestMetric: null, checkpointStep: null,
    parameters: 0, trainableParameters: 0, data: { files: [], splits: { train: 1, validation: 1, test: 0 }, labelCounts: {}, invalidRows: 0 }, final: null, error: null,
  };
}

/** A train client whose exports the test answers. */
function fakeClient(exportCheckpoint: (kind: string) => Promise<unknown>) {
  return { send: vi.fn(), terminate: vi.fn(), exportCheckpoint } as unknown as TrainClient;
}

const step = (n: number): TrainEvent => ({ type: 'step', step: n, epoch: 0, loss: 1 / n, lr: 1e-3, gradNorm: 1, tokensPerSecond: 10, elapsedMs: n * 10 });

function start(r = record()): RunController {
  const run = new RunController(r, 0);
  useStudio.setState({ run, runId: r.id, history: emptyHistory(), logs: [] });
  return run;
}

beforeEach(() => {
  useStudio.getState().run?.dispose();
  useStudio.setState({ run: null });
});

describe('RunController', () => {
  test('facts are written once, into a new record; the page view is derived from it', () => {
    const run = start();
    const first = run.record;
    run.onEvent({ type: 'ready', totalSteps: 40, epochs: 2, parameters: 100, trainableParameters: 60, loadReport: [] });
    run.onEvent({ type: 'checkpoint', step: 10, kind: 'best', metric: 'accuracy', value: 0.8 });
    expect(first.totalSteps).toBe(0); // never mutated
    expect(run.record).toMatchObject({ totalSteps: 40, parameters: 100, trainableParameters: 60, bestStep: 10, bestMetric: { name: 'accuracy', value: 0.8 } });
    const s = useStudio.getState();
    expect([s.totalSteps, s.parameters, s.trainableParameters, s.bestStep, s.bestMetric]).toEqual([40, 100, 60, 10, { name: 'accuracy', value: 0.8 }]);
  });

  test('every history append is a new object React can observe; columns only grow', () => {
    const run = start();
    const seen = [useStudio.getState().history];
    for (let n = 1; n <= 3; n++) {
      run.onEvent(step(n));
      seen.push(useStudio.getState().history);
    }
    run.onEvent({ type: 'eval', step: 3, epoch: 1, split: 'validation', result: { metrics: { accuracy: 0.5 } } as never, isBest: true });
    seen.push(useStudio.getState().history);
    expect(new Set(seen).size).toBe(seen.length);
    const h = useStudio.getState().history;
    expect(h.step).toEqual([1, 2, 3]);
    expect(h.evalStep).toEqual([3]);
    expect(run.record.lastStep).toBe(3);
  });

  test("a replaced run's late events change nothing on the page", () => {
    const old = start();
    start({ ...record(), id: 'run-2' });
    old.onEvent(step(7));
    old.onEvent({ type: 'ready', totalSteps: 99, epochs: 1, parameters: 1, trainableParameters: 1, loadReport: [] });
    expect(useStudio.getState().history.step).toEqual([]);
    expect(useStudio.getState().totalSteps).not.toBe(99);
  });

  test('a failed export is logged and the next export still runs', async () => {
    const run = start();
    const answers = [Promise.reject(new Error('nothing to export')), Promise.resolve({ step: 5, files: {} })];
    const asked: string[] = [];
    run.attach(fakeClient((kind) => (asked.push(kind), answers.shift()!)));
    await run.saveWorkerCheckpoint('best');
    await run.saveWorkerCheckpoint('best');
    expect(asked).toEqual(['best', 'best']);
    expect(useStudio.getState().logs.join('\n')).toMatch(/saving the best checkpoint failed: nothing to export/);
    expect(run.record.checkpointStep).toBe(5);
    expect(useStudio.getState().checkpointStep).toBe(5);
  });

  test('an error event fails the run: page state, and the record says why', () => {
    const run = start();
    run.onEvent({ type: 'error', kind: 'nan_loss', message: 'diverged', hint: 'lower the lr', step: 3, checkpointStep: null });
    expect(useStudio.getState().runState).toBe('failed');
    expect(useStudio.getState().runError).toMatchObject({ kind: 'nan_loss', message: 'diverged', hint: 'lower the lr' });
    expect(run.record).toMatchObject({ status: 'failed', error: 'diverged' });
  });
});
