import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AirtopState, AirtopStore } from '../state/store.js';

export const StoreContext = createContext<AirtopStore | null>(null);

/** Reads the store with a selector; the selector must return a stable reference (see model/memo.ts). */
export function useAirtop<T>(selector: (state: AirtopState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAirtop outside <StoreContext.Provider>: render the TUI through <App store={...}>');
  return useStore(store, selector);
}
