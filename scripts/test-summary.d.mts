// Types of scripts/test-summary.mjs (plain JavaScript: scripts/test.mjs runs before any TypeScript tooling).
export interface SkippedTest { file: string; name: string; reason: string }
export interface AllowedSkip { file: string; name: string; reason: string }
export function playwrightSkipsAndFlakes(suites: unknown[], titles?: string[], out?: { skips: SkippedTest[]; flakes: string[] }): { skips: SkippedTest[]; flakes: string[] };
export function parseAllowedSkips(text: string): AllowedSkip[];
export function unlistedSkips(skips: SkippedTest[], allowed: AllowedSkip[]): SkippedTest[];
