// Project permalink = upstream generate_permalink(project name) (contract §5.4), the same function
// the engine uses for note paths, so the upstream CLI's /{generate_permalink(name)}/... URLs resolve.
import { generatePermalink } from '../markdown/permalink.ts';

export function projectPermalink(name: string): string {
  return generatePermalink(name);
}
