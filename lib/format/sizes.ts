// Byte counts for people, everywhere in the app: powers of 1024 with their IEC names (KiB, MiB, GiB), the unit
// the storage quota and upload cap are configured in, so a file and its limit read in the same unit.
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** "512 B", "1.5 KiB", "12.0 MiB", "2.31 GiB"; "—" when unknown. */
export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${Math.round(n)} B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i >= 2 ? 2 : 1)} ${UNITS[i]}`;
}
