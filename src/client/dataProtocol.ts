/** The page's data-worker messages: the project's protocol plus `examples` (see studioData.worker.ts). */
import type { DataEvent, DataRequest, SplitName } from '../protocol/data';
import type { Example } from '../data/types';

export type StudioDataRequest = DataRequest | { type: 'examples'; id: number; split: SplitName; limit?: number };
export type StudioDataEvent = DataEvent | { type: 'examples'; id: number; split: SplitName; examples: Example[] };
