import { randomUUID } from 'node:crypto';
import type { Matcher, Result, Silence } from './types.js';

// Alertmanager's silence semantics: every matcher must match; a regex is anchored at both ends; a
// negated matcher (isEqual false) matches when the positive one does not; a missing label reads as "".

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Expired silences stay listed for audit for this long. */
export const EXPIRED_SILENCE_RETENTION_SECONDS = 7 * 86400;

export interface SilenceRequest {
  matchers: Matcher[];
  durationSeconds: number;
  createdBy: string;
  comment: string;
}

export function validateMatchers(matchers: Matcher[]): string | null {
  if (matchers.length === 0) return 'a silence needs at least one matcher, e.g. alertname=sla_miss';
  for (const m of matchers) {
    if (!LABEL_NAME.test(m.name))
      return `"${m.name}" is not a label name (letters, digits and _; not starting with a digit)`;
    if (m.isRegex) {
      try {
        new RegExp(`^(?:${m.value})$`);
      } catch (error) {
        return `matcher ${m.name}=~"${m.value}" is not a valid regular expression: ${(error as Error).message}`;
      }
    }
  }
  // Alertmanager refuses silences that would match every alert, including ones with no labels.
  const matchesEmpty = matchers.every((m) => matcherMatches(m, ''));
  if (matchesEmpty) return 'at least one matcher must not match an empty value, or the silence would match every alert';
  return null;
}

export function createSilence(request: SilenceRequest, now: Date): Result<{ silence: Silence }> {
  const problem = validateMatchers(request.matchers);
  if (problem) return { ok: false, error: problem };
  if (!(request.durationSeconds > 0))
    return { ok: false, error: `a silence must last more than 0 seconds (got ${request.durationSeconds})` };
  if (!request.createdBy.trim()) return { ok: false, error: 'a silence needs createdBy: who is silencing' };
  const at = now.toISOString();
  return {
    ok: true,
    silence: {
      id: randomUUID(),
      matchers: request.matchers.map((m) => ({ ...m })),
      startsAt: at,
      endsAt: new Date(now.getTime() + request.durationSeconds * 1000).toISOString(),
      createdBy: request.createdBy,
      comment: request.comment,
      updatedAt: at,
    },
  };
}

export function matcherMatches(matcher: Matcher, value: string): boolean {
  const positive = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test(value) : value === matcher.value;
  return matcher.isEqual ? positive : !positive;
}

export function silenceActive(silence: Silence, now: Date): boolean {
  const t = now.getTime();
  return Date.parse(silence.startsAt) <= t && t < Date.parse(silence.endsAt);
}

export function silenceMatches(silence: Silence, labels: Record<string, string>): boolean {
  return silence.matchers.every((m) => matcherMatches(m, labels[m.name] ?? ''));
}

/** The active silences that mute this label set. */
export function silencedBy(labels: Record<string, string>, silences: readonly Silence[], now: Date): Silence[] {
  return silences.filter((s) => silenceActive(s, now) && silenceMatches(s, labels));
}

/** Ends a silence now; it stays in the list (expired) for audit. */
export function expire(silence: Silence, now: Date): Silence {
  const at = now.toISOString();
  const endsAt = Date.parse(silence.endsAt) < now.getTime() ? silence.endsAt : at;
  return { ...silence, endsAt, updatedAt: at };
}

/** Drops silences that expired longer ago than the audit retention. */
export function pruneSilences(silences: readonly Silence[], now: Date): Silence[] {
  const horizon = now.getTime() - EXPIRED_SILENCE_RETENTION_SECONDS * 1000;
  return silences.filter((s) => Date.parse(s.endsAt) >= horizon);
}
