import { AdapterPanel } from '../ui/AdapterPanel';
import { DataStep } from '../ui/DataStep';
import { LivePanel } from '../ui/LivePanel';
import { ModelStep } from '../ui/ModelStep';
import { PlaygroundPanel } from '../ui/PlaygroundPanel';
import { QuickStart } from '../ui/QuickStart';
import { ResultsPanel } from '../ui/ResultsPanel';
import { RunsPanel } from '../ui/RunsPanel';
import { ExportPanel } from '../ui/ExportPanel';
import { TrainStep } from '../ui/TrainStep';

/** Composition only: each panel owns its slice of the page. */
export function App() {
  return (
    <main className="studio">
      <header>
        <h1>WebGPU Training Studio</h1>
        <p className="tagline">Fine-tune BERT-family models on your own GPU. Nothing is installed, no data leaves this page.</p>
      </header>
      <AdapterPanel />
      <QuickStart />
      <RunsPanel />
      <DataStep />
      <ModelStep />
      <TrainStep />
      <LivePanel />
      <ResultsPanel />
      <PlaygroundPanel />
      <ExportPanel />
    </main>
  );
}
