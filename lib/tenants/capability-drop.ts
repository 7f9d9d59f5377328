// Tenant processes need no Linux capabilities: they listen on a loopback port above 1024 and touch only files
// they own. When the control plane runs as root (as containers often do), a plainly spawned tenant would also
// bypass file permissions (CAP_DAC_OVERRIDE): a file its owner made unreadable would be read anyway, and a
// compromised tenant could do anything root can. So tenants are started through util-linux's `setpriv` with an
// empty capability bounding set and no_new_privs: still uid 0, the owner of the files it made, but permissions
// hold for it as they do for anyone.
import fs from 'node:fs';
import path from 'node:path';

export const CAPABILITY_DROP_MODES = ['auto', 'on', 'off'] as const;
export type CapabilityDropMode = (typeof CAPABILITY_DROP_MODES)[number];

const SETPRIV_ARGS = ['--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--'] as const;

function findSetpriv(envPath: string | undefined): string | null {
  const dirs = [...(envPath ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    const p = path.join(d, 'setpriv');
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* not here */ }
  }
  return null;
}

/**
 * The command prefix that starts a tenant without capabilities, or null to start it plainly.
 * `auto` drops them when this process is root and setpriv exists; `on` insists (an error names what is missing);
 * `off` never drops (a non-root control plane has none to drop).
 */
export function capabilityDropPrefix(
  mode: CapabilityDropMode,
  env: { uid?: number; path?: string } = { uid: process.getuid?.(), path: process.env.PATH },
): string[] | null {
  if (mode === 'off') return null;
  if (mode === 'auto' && env.uid !== 0) return null;
  const setpriv = process.platform === 'linux' ? findSetpriv(env.path) : null;
  if (!setpriv) {
    if (mode === 'on') throw new Error('TENANT_DROP_CAPABILITIES=on needs util-linux `setpriv` on Linux, and it was not found');
    return null;
  }
  return [setpriv, ...SETPRIV_ARGS];
}
