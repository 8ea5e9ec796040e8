import { useStudio } from '../state/store';
import { DataFiles } from './DataFiles';
import { DataStats } from './DataStats';
import { DropZone } from './DropZone';
import { MappingEditor } from './MappingEditor';
import { PreviewTable } from './PreviewTable';
import { ProgressBar } from './ProgressBar';
import { ValidationErrors } from './ValidationErrors';

/** Step 1: files in, a checked dataset out. */
export function DataStep() {
  const progress = useStudio((s) => s.dataProgress);
  const error = useStudio((s) => s.dataError);
  const { addDataFiles, loadDemoData } = useStudio.getState();
  return (
    <section className="panel" aria-labelledby="data-title" id="data">
      <h2 id="data-title">1 · Data</h2>
      <DropZone
        testId="data-drop"
        label="Choose data files"
        hint="Drop train / validation / test files here: CSV, TSV, JSON, JSONL, CoNLL, or plain text (.txt, one document per line, for masked-LM pretraining)."
        accept=".csv,.tsv,.txt,.json,.jsonl,.conll"
        onFiles={(f) => void addDataFiles(f)}
      />
      <p className="muted">
        No data at hand? <button type="button" className="link" onClick={() => void loadDemoData()}>Use the demo dataset</button> (5,000 Korean movie reviews from NSMC, CC0).
      </p>
      <DataFiles />
      <ProgressBar progress={progress} />
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      <PreviewTable />
      <MappingEditor />
      <ValidationErrors />
      <DataStats />
    </section>
  );
}
