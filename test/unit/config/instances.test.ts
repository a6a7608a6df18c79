import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../source/config/load.js';
import { redactSecrets } from '../../../source/text/redact.js';

function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-config-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

const NO_ENV = { HOME: '/nonexistent-home' };

function loadError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const TWO = `
interval: 120
thresholds: { success_rate_critical: 0.8, pool_utilization_warning: 0.7 }
sla: { from_task_start: true }
airflow: { timeout: 12, retries: 1 }
instances:
  - name: prod
    airflow: { url: http://127.0.0.1:8080, username: admin, password: prod-secret-one }
    thresholds: { success_rate_warning: 0.99 }
    interval: 30
  - name: staging
    airflow: { url: http://127.0.0.1:8081, username_env: STG_USER, password_env: STG_PASSWORD }
    dags: { patterns: ['capstone_*'] }
`;

describe('instances: in the config', () => {
  it('resolves each instance over the top level: overrides deep-merged, credentials from env', () => {
    const loaded = loadConfig(
      { config: configFile(TWO) },
      { ...NO_ENV, STG_USER: 'stg', STG_PASSWORD: 'staging-secret-two', AIRFLOW_URL: 'http://ignored:1' },
    );
    expect(loaded.fleet).toBe(true);
    expect(loaded.instances.map((i) => i.name)).toEqual(['prod', 'staging']);
    const [prod, staging] = loaded.instances;
    expect(prod!.config.thresholds).toMatchObject({
      success_rate_critical: 0.8,
      success_rate_warning: 0.99,
      pool_utilization_warning: 0.7,
    });
    expect(staging!.config.thresholds).toMatchObject({ success_rate_critical: 0.8, success_rate_warning: 0.95 });
    expect(prod!.config.interval).toBe(30);
    expect(staging!.config.interval).toBe(120);
    expect(prod!.config.sla.from_task_start).toBe(true);
    expect(staging!.config.airflow).toMatchObject({
      url: 'http://127.0.0.1:8081',
      username: 'stg',
      password: 'staging-secret-two',
      timeout: 12,
      retries: 1,
    });
    expect(staging!.config.dags.patterns).toEqual(['capstone_*']);
    expect(prod!.problem).toBeUndefined();
    expect(loaded.config).toBe(prod!.config);
    // Every instance's secrets are scrubbed from what airtop prints.
    expect(redactSecrets('got prod-secret-one and staging-secret-two')).not.toMatch(/secret-(one|two)/);
  });

  it('an instance whose credential variable is unset is kept, with the reason (it will be UNKNOWN)', () => {
    const loaded = loadConfig({ config: configFile(TWO) }, NO_ENV);
    expect(loaded.instances[0]!.problem).toBeUndefined();
    expect(loaded.instances[1]!.problem).toMatch(/STG_USER is not set/);
  });

  it('an instance without any credential has a problem, not a config error', () => {
    const loaded = loadConfig(
      { config: configFile(`instances:\n  - name: bare\n    airflow: { url: http://127.0.0.1:9 }\n`) },
      NO_ENV,
    );
    expect(loaded.instances[0]!.problem).toMatch(/no credentials/);
  });

  it('reads password_file per instance', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-pw-'));
    writeFileSync(join(dir, 'pw'), 'from-the-file-pw\nignored\n');
    const loaded = loadConfig(
      {
        config: configFile(
          `instances:\n  - name: a\n    airflow: { url: http://127.0.0.1:9, username: u, password_file: ${join(dir, 'pw')} }\n`,
        ),
      },
      NO_ENV,
    );
    expect(loaded.instances[0]!.config.airflow.password).toBe('from-the-file-pw');
  });

  it('two instances with one name: exit-3 error naming the key path', () => {
    const file = configFile(TWO.replace('name: staging', 'name: prod'));
    expect(loadError(() => loadConfig({ config: file }, NO_ENV))).toMatch(
      /instances\[1\]\.name: "prod" is already the name of instances\[0\]/,
    );
  });

  it('unknown keys in an instance are refused with their path', () => {
    const file = configFile(TWO.replace('interval: 30', 'intervall: 30'));
    expect(loadError(() => loadConfig({ config: file }, NO_ENV))).toMatch(/unknown key instances\[0\]\.intervall/);
    const nested = configFile(TWO.replace('success_rate_warning: 0.99', 'success_rate_warnin: 0.99'));
    expect(loadError(() => loadConfig({ config: nested }, NO_ENV))).toMatch(
      /instances\[0\]\.thresholds.*success_rate_warnin/,
    );
  });

  it('a bad override value names the instance', () => {
    const file = configFile(TWO.replace('success_rate_warning: 0.99', 'success_rate_warning: 7'));
    expect(loadError(() => loadConfig({ config: file }, NO_ENV))).toMatch(
      /instances\[0\]\.thresholds\.success_rate_warning/,
    );
  });

  it('a bad name is refused', () => {
    const file = configFile(TWO.replace('name: staging', 'name: "stag ing"'));
    expect(loadError(() => loadConfig({ config: file }, NO_ENV))).toMatch(/instances\[1\]\.name/);
  });

  it('--url with instances is refused: use --context', () => {
    expect(loadError(() => loadConfig({ config: configFile(TWO), url: 'http://x:1' }, NO_ENV))).toMatch(
      /--url.*--context NAME/,
    );
  });

  it('--context picks one instance; an unknown one lists the names', () => {
    const loaded = loadConfig({ config: configFile(TWO), context: 'staging' }, NO_ENV);
    expect(loaded.instances.map((i) => i.name)).toEqual(['staging']);
    expect(loaded.fleet).toBe(true);
    expect(loadError(() => loadConfig({ config: configFile(TWO), context: 'qa' }, NO_ENV))).toMatch(
      /--context qa: no such instance; the config names prod, staging/,
    );
  });

  it('flags apply to every instance', () => {
    const loaded = loadConfig({ config: configFile(TWO), interval: '45s', readonly: true }, NO_ENV);
    expect(loaded.instances.map((i) => i.config.interval)).toEqual([45, 45]);
    expect(loaded.instances.every((i) => i.config.readonly)).toBe(true);
  });

  it('a flat config is one instance named after its host; AIRFLOW_URL still applies', () => {
    const loaded = loadConfig({}, { ...NO_ENV, AIRFLOW_URL: 'http://airflow.example.com:8080' });
    expect(loaded.fleet).toBe(false);
    expect(loaded.instances).toHaveLength(1);
    expect(loaded.instances[0]!.name).toBe('airflow.example.com');
    expect(loaded.instances[0]!.config).toBe(loaded.config);
    expect(loadConfig({ url: 'http://localhost:8080' }, NO_ENV).instances[0]!.name).toBe('localhost');
  });
});
