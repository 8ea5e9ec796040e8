/** The one-click demo: demo data, the built-in model, Quick try with the demo's learning rate, start. */
import { DEMO_LEARNING_RATE } from '../train/config';
import { studio } from './store';

export async function quickStart(): Promise<void> {
  await studio().loadDemoData();
  studio().acceptMapping();
  await studio().chooseBuiltinModel();
  studio().applyPreset('quick');
  studio().setConfig('learningRate', DEMO_LEARNING_RATE);
  await studio().startTraining();
}
