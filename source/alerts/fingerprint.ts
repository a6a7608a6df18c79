// Alertmanager's alert identity (prometheus/common model.LabelSet.Fingerprint): FNV-1a 64 over the labels
// sorted by name, each written as `name 0xFF value 0xFF`, shown as 16 hex digits. Using the same hash means
// an alert pushed to Alertmanager has the same fingerprint there as in airtop.

const OFFSET64 = 0xcbf29ce484222325n;
const PRIME64 = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

export function fingerprint(labels: Record<string, string>): string {
  let hash = OFFSET64;
  const add = (byte: number) => {
    hash ^= BigInt(byte);
    hash = (hash * PRIME64) & MASK64;
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(labels).sort()) {
    for (const byte of encoder.encode(name)) add(byte);
    add(SEPARATOR);
    for (const byte of encoder.encode(labels[name]!)) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}
