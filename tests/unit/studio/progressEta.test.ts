import { expect, test } from 'vitest';
import { etaSeconds } from '../../../src/ui/ProgressBar.tsx';

test('ETA: time left at the stage\'s mean rate; none before a second has passed, at 0 or when done', () => {
  const startedAt = 1_000_000;
  expect(etaSeconds({ label: 'r', loaded: 250, total: 1000, startedAt }, startedAt + 10_000)).toBeCloseTo(30, 12);
  expect(etaSeconds({ label: 'r', loaded: 250, total: 1000, startedAt }, startedAt + 500)).toBeNull();
  expect(etaSeconds({ label: 'r', loaded: 0, total: 1000, startedAt }, startedAt + 10_000)).toBeNull();
  expect(etaSeconds({ label: 'r', loaded: 1000, total: 1000, startedAt }, startedAt + 10_000)).toBeNull();
  expect(etaSeconds({ label: 'r', loaded: 10, total: 1000 }, startedAt)).toBeNull();
});
