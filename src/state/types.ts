import type { StateCreator } from 'zustand';
import type { Studio } from './store';

/** A slice creator with access to the whole store. */
export type Slice<T> = StateCreator<Studio, [], [], T>;
