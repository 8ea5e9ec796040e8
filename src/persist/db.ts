/**
 * The studio's IndexedDB: runs, their histories and checkpoints, the datasets and dropped model folders
 * they were trained from. Files and Blobs are stored as they are (IndexedDB clones them without reading).
 * A tiny promise wrapper; every function fails soft (returns null / does nothing) where storage is denied.
 */
const DB_NAME = 'webgpu-training-studio';
const VERSION = 1;
export const STORES = ['runs', 'history', 'checkpoints', 'datasets', 'models'] as const;
export type StoreName = (typeof STORES)[number];

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      for (const s of STORES) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function put<T>(store: StoreName, key: string, value: T): Promise<void> {
  const db = await open();
  await done(db.transaction(store, 'readwrite').objectStore(store).put(value, key));
}

export async function get<T>(store: StoreName, key: string): Promise<T | null> {
  const db = await open();
  return ((await done(db.transaction(store).objectStore(store).get(key))) as T | undefined) ?? null;
}

export async function getAll<T>(store: StoreName): Promise<T[]> {
  const db = await open();
  return (await done(db.transaction(store).objectStore(store).getAll())) as T[];
}

export async function remove(store: StoreName, key: string): Promise<void> {
  const db = await open();
  await done(db.transaction(store, 'readwrite').objectStore(store).delete(key));
}

/** Asks the browser not to evict the studio's data under storage pressure (best effort). */
export async function persistStorage(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}
