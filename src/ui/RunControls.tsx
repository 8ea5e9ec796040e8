import { useMemo } from 'react';
import { startBlocker } from '../state/trainRun';
import { useStudio } from '../state/store';
import { validateTrainConfig } from '../train/configValidate';
import { StorageNotice } from './StorageNotice';

/** Start / Pause / Resume / Stop, with the reason Start is unavailable. */
export function RunControls() {
  const blocker = useStudio(startBlocker);
  const runState = useStudio((s) => s.runState);
  const config = useStudio((s) => s.config);
  const task = useStudio((s) => s.summary?.task ?? undefined);
  const labels = useStudio((s) => s.summary?.labels);
  const numLayers = useStudio((s) => s.modelInfo?.layers);
  const { startTraining, pauseTraining, resumeTraining, stopTraining } = useStudio.getState();
  const issues = useMemo(() => validateTrainConfig(config, { task, labels, numLayers }), [config, task, labels, numLayers]);
  const active = runState === 'training' || runState === 'evaluating' || runState === 'loading';
  return (
    <div className="controls">
      <button type="button" className="primary" disabled={!!blocker || issues.length > 0} onClick={() => void startTraining()}>
        Start training
      </button>
      <button type="button" disabled={!active} onClick={pauseTraining}>
        Pause
      </button>
      <button type="button" disabled={runState !== 'paused'} onClick={resumeTraining}>
        Resume
      </button>
      <button type="button" disabled={!active && runState !== 'paused'} onClick={stopTraining}>
        Stop
      </button>
      {blocker && <span className="muted">{blocker}</span>}
      <StorageNotice />
      {issues.map((i) => (
        <p key={i} className="bad">
          {i}
        </p>
      ))}
    </div>
  );
}
