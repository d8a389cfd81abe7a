/** Light and dark: follows the system (prefers-color-scheme) until the user picks one, which is remembered. */
import { useCallback, useEffect, useState } from 'react';
import { uiStorage } from './browser-storage.ts';

export type Theme = 'light' | 'dark';
const KEY = 'weir.theme';

function systemTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function useTheme(): { theme: Theme; toggle(): void } {
  const [chosen, setChosen] = useState<Theme | null>(() => (uiStorage.getItem(KEY) as Theme | null));
  const [system, setSystem] = useState<Theme>(systemTheme);
  useEffect(() => {
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    const update = () => setSystem(systemTheme());
    media?.addEventListener('change', update);
    return () => media?.removeEventListener('change', update);
  }, []);
  const theme = chosen ?? system;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    uiStorage.setItem(KEY, next);
    setChosen(next);
  }, [theme]);
  return { theme, toggle };
}
