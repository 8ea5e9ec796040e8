import { AdapterPanel } from '../ui/AdapterPanel';

/** Composition only: each panel owns its slice of the page. */
export function App() {
  return (
    <main className="studio">
      <header>
        <h1>WebGPU Training Studio</h1>
        <p className="tagline">Fine-tune BERT-family models on your own GPU. Nothing is installed, no data leaves this page.</p>
      </header>
      <AdapterPanel />
    </main>
  );
}
