/** Computed layouts by key (a structure hash): in memory, mirrored to a Storage (localStorage) when one is given. */

/** The part of the Web Storage API the cache uses, so tests pass a Map-backed one. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface LayoutCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

const PREFIX = 'weir.layout.';

/**
 * An LRU of `capacity` entries; with `storage`, entries survive a reload. A full storage (quota) is not an error:
 * the oldest stored layouts are dropped and, failing that, the entry stays in memory only.
 *
 * @example
 * const cache = layoutCache<{ w: number }>({ storage: localStorage });
 * cache.set('9f2c:sales', { w: 10 });
 * cache.get('9f2c:sales') // { w: 10 }, also after a reload
 */
export function layoutCache<T>(options: { storage?: KeyValueStorage; capacity?: number } = {}): LayoutCache<T> {
  const capacity = options.capacity ?? 200;
  const memory = new Map<string, T>();
  const { storage } = options;
  const remember = (key: string, value: T) => {
    memory.delete(key);
    memory.set(key, value);
    while (memory.size > capacity) memory.delete(memory.keys().next().value!);
  };
  return {
    get(key) {
      const hit = memory.get(key);
      if (hit !== undefined) {
        remember(key, hit);
        return hit;
      }
      const stored = safely(() => storage?.getItem(PREFIX + key));
      if (!stored) return undefined;
      try {
        const value = JSON.parse(stored) as T;
        remember(key, value);
        return value;
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      remember(key, value);
      if (!storage) return;
      const text = JSON.stringify(value);
      const index = readIndex(storage).filter((k) => k !== key);
      for (;;) {
        try {
          storage.setItem(PREFIX + key, text);
          index.push(key);
          break;
        } catch {
          const oldest = index.shift();
          if (oldest === undefined) return;
          safely(() => storage.removeItem(PREFIX + oldest));
        }
      }
      while (index.length > capacity) safely(() => storage.removeItem(PREFIX + index.shift()!));
      safely(() => storage.setItem(`${PREFIX}index`, JSON.stringify(index)));
    },
  };
}

function readIndex(storage: KeyValueStorage): string[] {
  try {
    return JSON.parse(storage.getItem(`${PREFIX}index`) ?? '[]') as string[];
  } catch {
    return [];
  }
}

function safely<R>(fn: () => R): R | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
