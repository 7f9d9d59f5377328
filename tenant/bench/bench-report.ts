// The bench's closing lines, kept pure so they are unit-tested: the verdict against the issue's targets and
// how flat memory stays as the tree grows (peak RSS per preset against its file count).

export interface PresetResult { preset: string; files: number; initialMs: number; nochangeMs: number; peakRssMB: number }
export interface Targets { initial?: number; nochange?: number; rss?: number }

// Issue 3's targets (this machine kind, medians, warm).
export const TARGETS: Record<string, Targets> = {
  'seed-tenant': { initial: 1200, nochange: 80, rss: 150 },
  large: { initial: 5000, nochange: 400 },
  huge: { initial: 25000, nochange: 1500, rss: 300 },
};

export function verdictLines(results: PresetResult[], targets: Record<string, Targets> = TARGETS): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let ok = true;
  for (const r of results) {
    const t = targets[r.preset];
    if (!t) continue;
    const checks: [string, number, number | undefined, string][] = [
      ['initial', r.initialMs, t.initial, 'ms'], ['no-change', r.nochangeMs, t.nochange, 'ms'], ['peak RSS', r.peakRssMB, t.rss, 'MB'],
    ];
    const parts: string[] = [];
    for (const [name, v, target, unit] of checks) {
      if (target === undefined) continue;
      const pass = Number.isFinite(v) && v <= target;
      if (!pass) ok = false;
      parts.push(`${name} ${Number.isFinite(v) ? v.toFixed(0) : '?'} ${unit} ≤ ${target} ${pass ? '✓' : '✗'}`);
    }
    lines.push(`  ${r.preset.padEnd(12)} ${parts.join('   ')}`);
  }
  return { lines, ok };
}

/** Peak RSS against file count: MB per 10k files between consecutive presets, large → huge called out. */
export function flatnessLines(results: PresetResult[]): string[] {
  const rs = results.filter((r) => r.files > 0 && Number.isFinite(r.peakRssMB)).sort((a, b) => a.files - b.files);
  if (rs.length < 2) return ['  memory flatness: needs two presets or more'];
  const per10k = (a: PresetResult, b: PresetResult) => ((b.peakRssMB - a.peakRssMB) / (b.files - a.files)) * 10000;
  const lines = [`  peak RSS by size: ${rs.map((r) => `${r.preset} ${r.peakRssMB.toFixed(0)} MB / ${r.files.toLocaleString('en-US')} files`).join(', ')}`];
  for (let i = 1; i < rs.length; i++) {
    const a = rs[i - 1]!, b = rs[i]!;
    if (b.files === a.files) continue;
    lines.push(`  ${a.preset} → ${b.preset}: ${b.peakRssMB - a.peakRssMB >= 0 ? '+' : ''}${(b.peakRssMB - a.peakRssMB).toFixed(0)} MB for +${(b.files - a.files).toLocaleString('en-US')} files = ${per10k(a, b).toFixed(1)} MB per 10k files`);
  }
  const large = rs.find((r) => r.preset === 'large'), huge = rs.find((r) => r.preset === 'huge');
  if (large && huge) lines.push(`  memory flatness (large → huge): ${per10k(large, huge).toFixed(1)} MB per 10k files (${(huge.files / large.files).toFixed(1)}× the files, ${(huge.peakRssMB / large.peakRssMB).toFixed(2)}× the peak RSS)`);
  const first = rs[0]!, last = rs[rs.length - 1]!;
  lines.push(`  overall ${first.preset} → ${last.preset}: ${(last.files / first.files).toFixed(0)}× the files, ${(last.peakRssMB / first.peakRssMB).toFixed(2)}× the peak RSS`);
  return lines;
}
