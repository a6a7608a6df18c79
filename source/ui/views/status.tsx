import { Text } from 'ink';
import { useAirtop } from '../store-context.js';
import { useTheme } from '../theme.js';

/** Loading / error line shared by the drill-down views. Errors come from the drill controller as text. */
export function DrillStatus({ what }: { what: string }) {
  const theme = useTheme();
  const loading = useAirtop((s) => s.drill.loading);
  const error = useAirtop((s) => s.drill.error);
  if (error) {
    return (
      <Text wrap="truncate" color={theme.error}>
        {`could not load ${what}: ${error}`}
      </Text>
    );
  }
  return loading ? (
    <Text wrap="truncate" dimColor>
      {`loading ${what}…`}
    </Text>
  ) : null;
}

/** Seconds between two ISO times; to `nowMs` while still running. */
export function spanSeconds(start: string | null, end: string | null, nowMs: number): number | null {
  if (!start) return null;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : nowMs;
  return Number.isFinite(from) && Number.isFinite(to) && to >= from ? (to - from) / 1000 : null;
}
