/** The one-click demo: demo data, the built-in model, Quick try, start. */
import { studio } from './store';

export async function quickStart(): Promise<void> {
  await studio().loadDemoData();
  studio().acceptMapping();
  await studio().chooseBuiltinModel();
  studio().applyPreset('quick');
  await studio().startTraining();
}
