import type { Dag } from './types.js';

/** `*` matches any run of characters, `?` exactly one; everything else is literal. Anchored and case-sensitive. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

export interface DagSelection {
  ids: string[];
  patterns: string[];
}

/** The DAGs named in `ids` or matching any glob in `patterns`, in the order Airflow listed them. */
export function selectDags(all: Dag[], sel: DagSelection): Dag[] {
  const ids = new Set(sel.ids);
  const patterns = sel.patterns.map(globToRegExp);
  return all.filter((dag) => ids.has(dag.dagId) || patterns.some((pattern) => pattern.test(dag.dagId)));
}

/** Configured ids that Airflow does not know (typos, deleted DAGs), so the caller can say so. */
export function missingDagIds(all: Dag[], sel: DagSelection): string[] {
  const known = new Set(all.map((dag) => dag.dagId));
  return sel.ids.filter((id) => !known.has(id));
}

/**
 * A value for Airflow's `dag_id_pattern` that matches a superset of the selection, or null when it would
 * not narrow the listing. Airflow matches it as ilike '%value%' (its spec calls it a LIKE expression, so
 * `%` and `_` inside are wildcards); a literal prefix followed by `%` narrows correctly either way.
 */
export function dagIdLikePattern(sel: DagSelection): string | null {
  const prefixes = [...sel.ids, ...sel.patterns.map((p) => p.split(/[*?]/)[0] ?? '')];
  if (prefixes.length === 0) return null;
  let common = prefixes[0] ?? '';
  for (const prefix of prefixes) {
    while (!prefix.startsWith(common)) common = common.slice(0, -1);
  }
  // `%` and `_` are LIKE wildcards; `_` only widens the match, which the exact filter afterwards corrects.
  common = common.replace(/%/g, '');
  return common.length > 0 ? `${common}%` : null;
}
