import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../source/config/load.js';

function configFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airtop-config-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

const NO_ENV = { HOME: '/nonexistent-home' };

function loadError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the reference values when nothing is configured', () => {
    const { config, file } = loadConfig({}, NO_ENV);
    expect(file).toBeNull();
    expect(config.interval).toBe(300);
    expect(config.dags.ids).toEqual([
      'capstone_ingestion_pipeline',
      'capstone_processing_pipeline',
      'capstone_vector_store_pipeline',
    ]);
    expect(config.thresholds).toEqual({
      success_rate_critical: 0.9,
      success_rate_warning: 0.95,
      avg_duration_increase_pct: 50,
      pool_utilization_warning: 0.8,
      pool_utilization_critical: 0.95,
      retry_rate_warning: 0.1,
    });
    expect(config.costs.rates).toEqual({ embedding_input: 0.0001, llm_input: 0.003, llm_output: 0.015 });
    expect(config.sla.definitions.capstone_processing_pipeline).toEqual({
      default: 7200,
      tasks: { extract_text: 900, generate_summary: 1800, classify_document: 600 },
    });
    expect(config.sla.channels[3]).toEqual(['slack', 'email', 'pagerduty']);
  });

  it('layers YAML < env < flags', () => {
    const file = configFile('airflow:\n  url: http://from-file:8080\n  username: file-user\ninterval: 10m\n');
    const env = { ...NO_ENV, AIRFLOW_URL: 'http://from-env:8080', AIRFLOW_PASSWORD: 'pw' };
    expect(loadConfig({ config: file }, env).config.airflow).toMatchObject({
      url: 'http://from-env:8080',
      username: 'file-user',
      password: 'pw',
    });
    const withFlag = loadConfig({ config: file, url: 'http://from-flag:8080', interval: 30 }, env).config;
    expect(withFlag.airflow.url).toBe('http://from-flag:8080');
    expect(withFlag.interval).toBe(30);
    expect(loadConfig({ config: file }, NO_ENV).config.interval).toBe(600);
  });

  it('reads durations written as text and SLA overrides per task', () => {
    const file = configFile(
      'sla:\n  definitions:\n    my_dag:\n      default: 1h30m\n      tasks:\n        load: 90s\n',
    );
    expect(loadConfig({ config: file }, NO_ENV).config.sla.definitions).toEqual({
      my_dag: { default: 5400, tasks: { load: 90 } },
    });
  });

  it('names the file, the key path and what is allowed for an unknown key', () => {
    const file = configFile('thresholds:\n  success_rate_warn: 0.9\n');
    const error = loadError(() => loadConfig({ config: file }, NO_ENV));
    expect(error.message).toContain(file);
    expect(error.message).toContain('thresholds.success_rate_warn');
    expect(error.message).toContain('allowed here: success_rate_critical, success_rate_warning');
  });

  it('names the key path and the bound for an out-of-range value', () => {
    const file = configFile('thresholds:\n  success_rate_critical: 1.5\n');
    const error = loadError(() => loadConfig({ config: file }, NO_ENV));
    expect(error.message).toMatch(/thresholds\.success_rate_critical: .*(<=|less than or equal to) ?1/);
  });

  it('rejects a bad duration and a bad URL with a hint', () => {
    expect(loadError(() => loadConfig({ config: configFile('interval: soon\n') }, NO_ENV)).message).toContain(
      '"soon" is not a duration',
    );
    expect(loadError(() => loadConfig({ url: 'localhost:8080' }, NO_ENV)).message).toContain(
      'airflow.url: must be an http(s) URL',
    );
  });

  it('says when the YAML itself is broken or the file is missing', () => {
    expect(loadError(() => loadConfig({ config: configFile('airflow: [unclosed\n') }, NO_ENV)).message).toMatch(
      /is not valid YAML/,
    );
    expect(loadError(() => loadConfig({ config: '/nonexistent/airtop.yaml' }, NO_ENV)).message).toContain(
      'does not exist',
    );
  });

  it('reads the password from a file so the YAML can be committed', () => {
    const secret = configFile('s3cret\n');
    const file = configFile(`airflow:\n  url: http://x:8080\n  username: u\n  password_file: ${secret}\n`);
    expect(loadConfig({ config: file }, NO_ENV).config.airflow.password).toBe('s3cret');
  });
});
