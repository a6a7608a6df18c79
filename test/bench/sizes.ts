// One database per bench size, generated once and kept (L takes about a minute to fill on 2 cores), named
// by the generator's version. Its history is relative to the moment it was generated (the "anchor"), so
// every consumer polls "as of" that anchor: the sources and the reference take `now` as a parameter.
import { generateHistory, SIZES, type GeneratedCounts, type SizeName } from './generate.js';
import { dbUrlFor, ensureTemplate, withAdmin as admin } from './schema.js';

/** Bump when generate.ts changes what it writes. */
const GENERATOR_VERSION = 'g3';

export interface SizeDb {
  size: SizeName;
  name: string;
  url: string;
  anchor: Date;
  counts: GeneratedCounts;
  generated: boolean;
}

interface Mark {
  anchor: string;
  counts: GeneratedCounts;
}

export async function ensureSizeDb(
  size: SizeName,
  opts: { regenerate?: boolean; log?: (line: string) => void } = {},
): Promise<SizeDb> {
  const log = opts.log ?? (() => {});
  const name = `airtop_bench_${size.toLowerCase()}_${GENERATOR_VERSION}`;
  const existing = await admin(async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [name],
    );
    return rows.length === 0 ? undefined : rows[0]!.comment;
  });
  if (existing && !opts.regenerate) {
    try {
      const mark = JSON.parse(existing) as Mark;
      return { size, name, url: dbUrlFor(name), anchor: new Date(mark.anchor), counts: mark.counts, generated: false };
    } catch {
      log(`bench: ${name} has no usable mark; generating it again`);
    }
  }
  const { name: template } = await ensureTemplate(log);
  await admin(async (client) => {
    // Databases of earlier generator versions are stale: drop them rather than leave gigabytes behind.
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `airtop_bench_${size.toLowerCase()}_%`,
    ]);
    for (const row of rows) await client.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  });
  const anchor = new Date();
  try {
    const counts = await generateHistory(dbUrlFor(name), SIZES[size], anchor, log);
    const mark: Mark = { anchor: anchor.toISOString(), counts };
    // Written last: a database without it is half-filled and is generated again.
    await admin((client) => client.query(`COMMENT ON DATABASE ${name} IS '${JSON.stringify(mark)}'`));
    return { size, name, url: dbUrlFor(name), anchor, counts, generated: true };
  } catch (error) {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    throw error;
  }
}
