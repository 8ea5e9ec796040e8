import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { persistStorage } from '../persist/db';
import { studio, useStudio } from '../state/store';
import { App } from './App';
import './app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Start-up: find the GPU, list saved runs, and pick up a run the last tab left in the middle.
void studio().probeAdapter();
void persistStorage();
void studio().resumeInterrupted();
// For tests and the console: the store's state and actions.
(globalThis as unknown as { studio: typeof useStudio }).studio = useStudio;
