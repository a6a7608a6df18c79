import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useMemo } from 'react';
import type { AirtopStore } from '../state/store.js';
import { topView } from '../state/store.js';
import { apply } from './actions.js';
import type { Commands } from './commands.js';
import { dispatch } from './dispatch.js';
import { keyPresses } from './key-names.js';
import { FleetStrip } from './fleet-strip.js';
import { Footer } from './footer.js';
import { Header } from './header.js';
import { screenLayout } from './layout.js';
import { stripRows } from './model/fleet.js';
import { MainPanes } from './panes/main.js';
import { StoreContext, useAirtop } from './store-context.js';
import { colourDisabled, createTheme, ThemeContext } from './theme.js';
import type { Clock } from './use-now.js';
import { DagView } from './views/dag.js';
import { ActionDialogView } from './views/action-dialog.js';
import { Dialog } from './views/dialog.js';
import { HelpView } from './views/help.js';
import { LogView } from './views/log.js';
import { PickerView } from './views/picker.js';
import { RunView } from './views/run.js';

export interface AppProps {
  store: AirtopStore;
  commands: Commands;
  readonly: boolean;
  /** Default: the NO_COLOR environment variable. */
  noColor?: boolean;
  /** Default: the system clock; tests inject a fixed one. */
  clock?: Clock;
  /** How often the header checks the clock (default 1 s). */
  tickMs?: number;
}

/** The single input handler: every key goes through dispatch() and comes back as one store update. */
function Keys({ store, commands, readonly }: { store: AirtopStore; commands: Commands; readonly: boolean }) {
  const { exit } = useApp();
  const onKey = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
      for (const press of keyPresses(input, key)) {
        const effect = dispatch(store.getState(), press.name, press.input, { readonly });
        if (effect) apply(store, commands, effect, exit);
      }
    },
    [store, commands, readonly, exit],
  );
  useInput(onKey);
  return null;
}

function Body({ width, height, readonly }: { width: number; height: number; readonly: boolean }) {
  const help = useAirtop((s) => s.ui.help);
  const top = useAirtop(topView);
  const focus = useAirtop((s) => s.ui.focus);
  const size = useAirtop((s) => s.ui.size);
  const dialogOpen = useAirtop((s) => s.ui.dialog !== null && s.ui.dialog.kind !== 'action');
  const actionOpen = useAirtop((s) => s.ui.dialog?.kind === 'action');
  const picker = useAirtop((s) => s.ui.picker !== null && s.ui.picker !== undefined);
  const strip = useAirtop(stripRows);
  const layout = useMemo(() => screenLayout(size, focus, dialogOpen, strip), [size, focus, dialogOpen, strip]);
  if (help) return <HelpView width={width} height={height} readonly={readonly} />;
  if (picker) return <PickerView width={width} height={height} />;
  if (actionOpen) return <ActionDialogView width={width} height={height} />;
  switch (top.kind) {
    case 'main':
      return <MainPanes layout={layout} focus={focus} />;
    case 'dag':
      return <DagView dagId={top.dagId} width={width} height={height} />;
    case 'run':
      return <RunView dagId={top.dagId} runId={top.runId} width={width} height={height} />;
    case 'log':
      return <LogView view={top} width={width} height={height} />;
  }
}

function Screen({ readonly, clock, tickMs }: { readonly: boolean; clock: Clock; tickMs: number }) {
  const size = useAirtop((s) => s.ui.size);
  const dialogOpen = useAirtop((s) => s.ui.dialog !== null && s.ui.dialog.kind !== 'action');
  const focus = useAirtop((s) => s.ui.focus);
  const strip = useAirtop(stripRows);
  const layout = useMemo(() => screenLayout(size, focus, dialogOpen, strip), [size, focus, dialogOpen, strip]);
  // Never as tall as the terminal: Ink 6 would clear and redraw the whole screen on every frame.
  const height = Math.max(1, size.rows - 1);
  if (layout.kind === 'too-small') {
    return (
      <Box width={size.columns} height={height}>
        <Text wrap="wrap">{layout.message}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={size.columns} height={height}>
      <Header width={size.columns} clock={clock} tickMs={tickMs} />
      {strip > 0 ? <FleetStrip width={size.columns} /> : null}
      <Box height={layout.bodyHeight} width={size.columns} flexShrink={0}>
        <Body width={size.columns} height={layout.bodyHeight} readonly={readonly} />
      </Box>
      {dialogOpen ? <Dialog width={size.columns} /> : null}
      <Footer width={size.columns} readonly={readonly} />
    </Box>
  );
}

const systemClock: Clock = () => new Date();

export function App({ store, commands, readonly, noColor, clock = systemClock, tickMs = 1000 }: AppProps) {
  const theme = useMemo(() => createTheme(noColor ?? colourDisabled()), [noColor]);
  return (
    <StoreContext.Provider value={store}>
      <ThemeContext.Provider value={theme}>
        <Keys store={store} commands={commands} readonly={readonly} />
        <Screen readonly={readonly} clock={clock} tickMs={tickMs} />
      </ThemeContext.Provider>
    </StoreContext.Provider>
  );
}
