/**
 * The one store, built from slices. Actions are plain functions on the state, so workers' event handlers,
 * the startup code and tests call them without React: `useStudio.getState().addDataFiles(files)`.
 */
import { create } from 'zustand';
import { createDataSlice, type DataSlice } from './dataSlice';
import { createModelSlice, type ModelSlice } from './modelSlice';
import { createRunsSlice, type RunsSlice } from './runsSlice';
import { createTrainSlice, type TrainSlice } from './trainSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type Studio = DataSlice & ModelSlice & TrainSlice & RunsSlice & UiSlice;

export const useStudio = create<Studio>()((...a) => ({
  ...createDataSlice(...a),
  ...createModelSlice(...a),
  ...createTrainSlice(...a),
  ...createRunsSlice(...a),
  ...createUiSlice(...a),
}));

/** The current state and its actions, outside React. */
export const studio = (): Studio => useStudio.getState();
