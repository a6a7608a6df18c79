// Deterministic randomness: the same seed and names give the same numbers on every machine and run.

/** FNV-1a 32-bit over the parts joined by a separator. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u001f');
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a tiny, well-mixed 32-bit generator; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rngFor(...parts: (string | number)[]): () => number {
  return mulberry32(hash32(...parts));
}

/** A value spread around `mean` by up to ±spread (as a fraction), bell-shaped (sum of three uniforms). */
export function around(random: () => number, mean: number, spread: number): number {
  const bell = (random() + random() + random() - 1.5) / 1.5;
  return mean * (1 + spread * bell);
}

/** Deterministic hex id in UUID layout (version nibble 7, like Airflow's uuid7 task instance ids). */
export function uuidFor(...parts: (string | number)[]): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hash32(i, ...parts)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
