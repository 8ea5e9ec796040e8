import { useEffect, useMemo, useState } from 'react';
import { runStorageNeed, storageWarning } from '../estimate/storage';
import { memoryEstimate } from '../state/selectors';
import { useStudio } from '../state/store';

/**
 * Near Start: whether the run's resume states and checkpoints will fit in the storage the browser leaves this
 * site (`navigator.storage.estimate()`), asked again whenever the runs list changes (a deleted run frees space).
 */
export function StorageNotice() {
  const info = useStudio((s) => s.modelInfo);
  const config = useStudio((s) => s.config);
  const maxLength = useStudio((s) => s.maxLength);
  const maskedLm = useStudio((s) => s.summary?.task === 'mlm');
  const runs = useStudio((s) => s.runs);
  const [estimate, setEstimate] = useState<StorageEstimate | null>(null);
  useEffect(() => {
    let live = true;
    navigator.storage?.estimate?.().then((e) => live && setEstimate(e), () => undefined);
    return () => {
      live = false;
    };
  }, [runs]);
  const warning = useMemo(() => {
    const est = memoryEstimate(info, config, maxLength, undefined, maskedLm);
    return info && est ? storageWarning(runStorageNeed(info.parameters, est.trainableParameters), estimate) : null;
  }, [info, config, maxLength, maskedLm, estimate]);
  if (!warning) return null;
  return (
    <p className="warn-text" data-testid="storage-warning">
      {warning}
    </p>
  );
}
