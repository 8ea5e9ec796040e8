/**
 * The autotuner's memory: one IndexedDB record per adapter, op and shape → the variant that won there.
 * Its own small database (not the runs database), so tuning never migrates or locks the user's runs.
 * Where there is no IndexedDB (Node through Dawn, some test pages) every call is a no-op and tuning
 * simply measures again.
 */
import type { Variant } from './select.ts';

const DB = 'studio-kernel-tuning';
const STORE = 'choices';

interface Record_ {
  id: string;
  adapter: string;
  op: string;
  key: string;
  variant: Variant;
  ms: Partial<Record<Variant, number>>;
  at: number;
}

function open(): Promise<IDBDatabase> | null {
  if (typeof indexedDB === 'undefined') return null;
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'id' });
      store.createIndex('adapter', 'adapter');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });

/** Cached choices for `adapter`, keyed `${op}|${key}`. A storage failure reads as an empty cache. */
export async function loadChoices(adapter: string): Promise<Map<string, Variant>> {
  const out = new Map<string, Variant>();
  try {
    const opening = open();
    if (!opening) return out;
    const db = await opening;
    const tx = db.transaction(STORE, 'readonly');
    const req = tx.objectStore(STORE).index('adapter').getAll(adapter);
    await done(tx);
    for (const r of req.result as Record_[]) out.set(`${r.op}|${r.key}`, r.variant);
    db.close();
  } catch {
    /* tuning works without a cache */
  }
  return out;
}

export async function saveChoices(
  adapter: string,
  entries: { op: string; key: string; chosen: Variant; ms: Partial<Record<Variant, number>> }[],
): Promise<void> {
  if (entries.length === 0) return;
  try {
    const opening = open();
    if (!opening) return;
    const db = await opening;
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const at = Date.now();
    for (const e of entries) {
      store.put({ id: `${adapter}|${e.op}|${e.key}`, adapter, op: e.op, key: e.key, variant: e.chosen, ms: e.ms, at } satisfies Record_);
    }
    await done(tx);
    db.close();
  } catch {
    /* a full or blocked storage only costs a re-measure next time */
  }
}

/** Forgets every cached choice (tests, and a "re-tune" control). */
export async function clearTuneCache(): Promise<void> {
  try {
    const opening = open();
    if (!opening) return;
    const db = await opening;
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await done(tx);
    db.close();
  } catch {
    /* nothing to clear */
  }
}
