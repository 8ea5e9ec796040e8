/** The shipped from-scratch model (public/models/tiny-bert, random init) and the repo's training data. */
import { readText, urlSource } from '../../../src/hub/source.ts';

export const tiny = urlSource('/models/tiny-bert/', 'tiny-bert');

export async function readJsonl<T>(path: string): Promise<T[]> {
  const text = await readText(urlSource('/'), path);
  if (text === null) throw new Error(`${path}: not found`);
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

export const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(0);
