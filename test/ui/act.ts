import type { AirtopStore } from '../../source/state/store.js';
import { reduce } from '../../source/ui/actions.js';
import type { Effect } from '../../source/ui/dispatch.js';

/** Moves the store the way a key press does (ui/actions.ts's reduce), without a command or a render. */
export function act(store: AirtopStore, effect: Effect): void {
  store.setState(reduce(store.getState(), effect));
}
