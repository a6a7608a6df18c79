// Airflow writes no version number into its metadata DB, only the alembic revision of its schema. Each
// release that changes the schema has a new head (airflow/utils/db.py, _REVISION_HEADS_MAP); a head
// therefore names the first release with that schema, and later releases until the next migration share it.
const REVISION_HEADS: Record<string, string> = {
  '4bc4d934e2bc': '2.6.2',
  '405de8318b3a': '2.7.0',
  '10b52ebd31f7': '2.8.0',
  '88344c1d9134': '2.8.1',
  '1949afb29106': '2.9.0',
  '686269002441': '2.9.2',
  '22ed7efa9da2': '2.10.0',
  '5f2621c13b39': '2.10.3',
  '29ce7909c52b': '3.0.0',
  fe199e1abd77: '3.0.3',
  cc92b33c6709: '3.1.0',
  '509b94a1042d': '3.1.8',
  '1d6611b6ab7c': '3.2.0',
  d2f4e1b3c5a7: '3.3.0',
};

export type SchemaVersion =
  | { kind: 'airflow3'; version: string }
  | { kind: 'airflow2'; version: string }
  | { kind: 'unknown'; revision: string | null };

/** "3.3.0+" means: the schema of 3.3.0, so Airflow 3.3.0 or a later release that kept it. */
export function versionFromRevision(revision: string | null | undefined): SchemaVersion {
  const release = revision ? REVISION_HEADS[revision] : undefined;
  if (!release) return { kind: 'unknown', revision: revision ?? null };
  return { kind: release.startsWith('2.') ? 'airflow2' : 'airflow3', version: `${release}+` };
}
