import { groupViews } from '../alerts/group-views.js';
import { createAlertManager } from '../alerts/manager.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';
import { routingFromConfig } from '../alerts/routing-config.js';
import type { AlertStage } from '../collect/cycle.js';
import type { ModeContext } from './context.js';

/** `--once`: alert states (acks, silences) as the daemon left them, without writing the state dir or notifying. */
export async function openReadOnlyAlerts(
  context: Pick<ModeContext, 'stateDir' | 'config' | 'clock'>,
  /** Fleet mode: this poll is this instance's; it sees and resolves only alerts labelled with it. */
  instance?: string,
): Promise<AlertStage> {
  const manager = createAlertManager({
    stateDir: context.stateDir,
    repeatIntervalSeconds: context.config.alerts.repeat_interval,
    clock: context.clock,
    readOnly: true,
    routing: routingFromConfig(context.config),
    // The message may quote the damaged file (JSON.parse does): sanitised before it reaches the terminal.
    onProblem: (message) => process.stderr.write(`airtop: ${redactSecrets(sanitizeText(message))}\n`),
  });
  await manager.load();
  return {
    afterPoll: async (report, candidates, now) => {
      const scope = instance === undefined ? undefined : { instance };
      const { alerts: all } = manager.update(candidates, now, scope);
      const alerts = instance === undefined ? all : all.filter((a) => a.labels.instance === instance);
      report.alert_groups = groupViews(alerts);
      return alerts;
    },
  };
}
