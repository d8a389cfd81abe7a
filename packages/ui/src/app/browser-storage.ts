/** localStorage when the browser allows it, otherwise memory: a browser that blocks site data must not break the UI. */

/** What the UI keeps across reloads: small strings by key. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A store backed by `window.localStorage`, falling back to memory for each call that throws: blocked storage throws
 * a SecurityError on `window.localStorage` itself, a full one a QuotaExceededError on `setItem`. Values then last
 * until the page is reloaded.
 *
 * @example
 * const store = browserStorage();
 * store.setItem('weir.theme', 'dark');
 * store.getItem('weir.theme') // 'dark', from localStorage or, when it is blocked, from memory
 */
export function browserStorage(): KeyValueStore {
  const memory = new Map<string, string>();
  const local = (): Storage | undefined => {
    try {
      return window.localStorage ?? undefined;
    } catch {
      return undefined;
    }
  };
  return {
    getItem(key) {
      if (memory.has(key)) return memory.get(key)!;
      try {
        return local()?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    setItem(key, value) {
      try {
        const storage = local();
        if (storage) {
          storage.setItem(key, value);
          memory.delete(key);
          return;
        }
      } catch {
        // blocked or full: remember it here instead
      }
      memory.set(key, value);
    },
    removeItem(key) {
      memory.delete(key);
      try {
        local()?.removeItem(key);
      } catch {
        // nothing stored there to remove
      }
    },
  };
}

/** The store the whole UI shares. */
export const uiStorage: KeyValueStore = browserStorage();
