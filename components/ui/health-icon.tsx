// Small inline SVG icons for health states and run outcomes (aria-hidden: a label always goes with them).
import type { HealthIcon as Name } from '@/lib/sync-health/health-states.ts';

const PATHS: Record<Name, string> = {
  pause: 'M5 3h2v10H5zM9 3h2v10H9z',
  sync: 'M8 2a6 6 0 0 1 5.2 3H11v1.5h4.5V2H14v1.6A7.5 7.5 0 0 0 .5 8H2a6 6 0 0 1 6-6zm6 6a6 6 0 0 1-11.2 3H5V9.5H.5V14H2v-1.6A7.5 7.5 0 0 0 15.5 8H14z',
  alert: 'M8 1l7 13H1L8 1zm-1 5v4h2V6H7zm0 5v2h2v-2H7z',
  skip: 'M2 3l6 5-6 5V3zm7 0l6 5-6 5V3z',
  clock: 'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zm0 1.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM7.25 4h1.5v3.7l2.6 1.5-.75 1.3-3.35-1.95V4z',
  down: 'M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zM4.5 7v2h7V7h-7z',
  dash: 'M3 7h10v2H3z',
  check: 'M6.2 11.6L2.6 8l1.1-1.1 2.5 2.5 6.1-6.1L13.4 4.4z',
};

export function HealthIcon({ name, className = 'h-3.5 w-3.5' }: { name: Name; className?: string }) {
  return <svg viewBox="0 0 16 16" className={className} aria-hidden="true" fill="currentColor"><path d={PATHS[name]} /></svg>;
}
