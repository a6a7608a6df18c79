/**
 * A glob (`*` any run of characters, `?` one character; anchored, case-sensitive, as the REST source's
 * selectDags) as a PostgreSQL regular expression for `dag_id ~ ANY($patterns)`.
 */
export function globToPgRegex(glob: string): string {
  let out = '^';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (/[\\^$.|+()[\]{}]/.test(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return `${out}$`;
}

export interface DagSelection {
  ids: string[];
  patterns: string[];
}

/** The parameters of META_SQL's DAG filter: exact ids, and the globs as regexes. */
export function selectionParams(selection: DagSelection): { ids: string[]; regexes: string[] } {
  return { ids: [...new Set(selection.ids)], regexes: [...new Set(selection.patterns)].map(globToPgRegex) };
}
