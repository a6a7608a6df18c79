import type { ActionRequest, Preview, PreviewItem } from './types.js';

// The action dialog's state (kept in the store) and its fields, as pure data and functions.

export interface AckOffer {
  fingerprint: string;
  /** The firing alert, in words. */
  summary: string;
  on: boolean;
  note: string;
}

export interface ActionDialog {
  kind: 'action';
  request: ActionRequest;
  /** Index into actionFields(): Tab moves it. */
  field: number;
  /** trigger: the conf and note as typed. */
  confText: string;
  noteText: string;
  /** Bumped whenever the request changes, so an answer for an older request is dropped. */
  seq: number;
  preview: Preview;
  /** sending: Enter was pressed and the request is out; a second Enter sends nothing. */
  phase: 'editing' | 'sending';
  /** A mistake to fix before anything is sent (bad conf). */
  error: string | null;
  /** When the object has a firing alert: acknowledge it too, with this note. */
  ack: AckOffer | null;
}

export type FieldId = 'downstream' | 'upstream' | 'onlyFailed' | 'state' | 'conf' | 'note' | 'ack' | 'ackNote';

export interface DialogField {
  id: FieldId;
  label: string;
  kind: 'bool' | 'choice' | 'text';
  /** bool: 'on'/'off'; choice: the value; text: the text. */
  value: string;
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

export function actionFields(d: ActionDialog): DialogField[] {
  const r = d.request;
  const fields: DialogField[] = [];
  if (r.verb === 'clearTask') {
    fields.push({ id: 'downstream', label: 'downstream', kind: 'bool', value: onOff(r.downstream) });
    fields.push({ id: 'upstream', label: 'upstream', kind: 'bool', value: onOff(r.upstream) });
    fields.push({ id: 'onlyFailed', label: 'only failed', kind: 'bool', value: onOff(r.onlyFailed) });
  } else if (r.verb === 'markTask') {
    fields.push({ id: 'state', label: 'state', kind: 'choice', value: r.state });
    fields.push({ id: 'downstream', label: 'downstream', kind: 'bool', value: onOff(r.downstream) });
  } else if (r.verb === 'clearRun') {
    fields.push({ id: 'onlyFailed', label: 'only failed tasks', kind: 'bool', value: onOff(r.onlyFailed) });
  } else if (r.verb === 'markRun') {
    fields.push({ id: 'state', label: 'state', kind: 'choice', value: r.state });
  } else if (r.verb === 'trigger') {
    fields.push({ id: 'conf', label: 'conf (JSON, optional)', kind: 'text', value: d.confText });
    fields.push({ id: 'note', label: 'note (optional)', kind: 'text', value: d.noteText });
  }
  if (d.ack) {
    fields.push({ id: 'ack', label: 'acknowledge the alert', kind: 'bool', value: onOff(d.ack.on) });
    if (d.ack.on) fields.push({ id: 'ackNote', label: 'ack note', kind: 'text', value: d.ack.note });
  }
  return fields;
}

/** The field Tab has reached, if any. */
export function focusedField(d: ActionDialog): DialogField | null {
  const fields = actionFields(d);
  return fields.length === 0 ? null : (fields[d.field % fields.length] ?? null);
}

/** Flip a bool or switch a choice. Returns the new dialog and whether the request (so the preview) changed. */
export function toggleField(d: ActionDialog, id: FieldId): { dialog: ActionDialog; requestChanged: boolean } {
  const r = d.request;
  if (id === 'ack' && d.ack) return { dialog: { ...d, ack: { ...d.ack, on: !d.ack.on } }, requestChanged: false };
  let next: ActionRequest = r;
  if (id === 'downstream' && (r.verb === 'clearTask' || r.verb === 'markTask'))
    next = { ...r, downstream: !r.downstream };
  else if (id === 'upstream' && r.verb === 'clearTask') next = { ...r, upstream: !r.upstream };
  else if (id === 'onlyFailed' && (r.verb === 'clearTask' || r.verb === 'clearRun'))
    next = { ...r, onlyFailed: !r.onlyFailed };
  else if (id === 'state' && (r.verb === 'markTask' || r.verb === 'markRun'))
    next = { ...r, state: r.state === 'success' ? 'failed' : 'success' };
  if (next === r) return { dialog: d, requestChanged: false };
  return { dialog: { ...d, request: next, seq: d.seq + 1, preview: { status: 'loading' } }, requestChanged: true };
}

/** The dry-run list Enter applies: null where there was no dry run. */
export function previewedItems(d: ActionDialog): PreviewItem[] | null {
  return d.preview.status === 'ready' ? d.preview.items : null;
}
