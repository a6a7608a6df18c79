import type { ActionRequest, PreviewItem } from '../actions/types.js';
import type { UiState, View } from '../state/types.js';

// What a key press asks for (dispatch.ts decides it, actions.ts carries it out); apart from both so the key
// handlers beside the dispatcher (action-keys.ts) can return one without an import cycle.

export type CommandCall =
  | { name: 'refresh' }
  | { name: 'quit' }
  // `fingerprints`: a group's members; the command is carried out for each (who, when, note kept per member).
  | { name: 'ack'; fingerprint: string; note: string; fingerprints?: string[] }
  | { name: 'unack'; fingerprint: string; fingerprints?: string[] }
  | { name: 'silence'; fingerprint: string; durationSeconds: number; comment: string; fingerprints?: string[] }
  // `instance`: in a fleet, the instance the action's object belongs to (the dialog's).
  | { name: 'actionPreview'; request: ActionRequest; seq: number; instance?: string }
  | {
      name: 'actionApply';
      request: ActionRequest;
      seq: number;
      dryRun: PreviewItem[] | null;
      ack: { fingerprint: string; note: string } | null;
      instance?: string;
    };

export interface Effect {
  ui?: Partial<UiState>;
  /** [list, index]: a row selection or a scroll offset. */
  select?: [string, number];
  /** `home`: back to the main screen in one step (the instance picker's choice). */
  nav?: { push: View } | { pop: true } | { replace: View } | { pushAll: View[] } | { home: true };
  paused?: boolean;
  follow?: boolean;
  command?: CommandCall;
}
