// The `yaml` package costs ~13 MB of RSS once loaded; most notes never need it (frontmatter fast path), so it is
// loaded on first use only.
import { createRequire } from 'node:module';
import type YAMLType from 'yaml';

let mod: typeof YAMLType | null = null;
export function yaml(): typeof YAMLType {
  if (!mod) mod = createRequire(import.meta.url)('yaml') as typeof YAMLType;
  return mod;
}
