// A tenant snapshot as a set of units (each top-level entry of the data dir: a project folder, or a loose file),
// so an incremental snapshot runs restic on the units that changed only. restic 0.14 walks every file of what it
// backs up, so backing up the whole tree costs seconds at 100,000 files even when ten notes changed.
//
// A set is one restic snapshot holding its changed units (plus `.basic-memory`, always, so no set is empty) at
// their usual paths (`/<project>/…`) and naming, in its tags, the set that physically holds each unchanged unit
// (a carry). A carry always names the holder itself, never a set that carries it in turn. Ids and browse paths are
// what they were: the set's id is a restic snapshot id, a key is `<project folder>/<path>`.
//
// A set that is deleted (or falls out of retention) while later sets still carry units from it is hidden instead
// of forgotten: retagged `bm-hidden` without its `kind:` tag (never listed, never counted by retention) until no
// live set names it. Carries name holders by their set key, not their id, because retagging changes the id.
// Whole-tree snapshots taken before sets existed (no `bm-set:` tag) keep listing, browsing and restoring as before.
import fs from 'node:fs';
import path from 'node:path';

export const SET_TAG = 'bm-set:';
const AT_TAG = 'bm-at:';
const CARRY_TAG = 'bm-carry:';
export const HIDDEN_TAG = 'bm-hidden';
/** The tenant's own folder: in every set (small), never a unit. */
export const META_DIR = '.basic-memory';
/** Temp files of atomic writes at the top level: excluded from backups, never units. */
const TEMP_NAME = /^\.bm-(tmp|upload)-.*\.tmp$/;
/**
 * Change times are compared with the previous set's start less this slack: the kernel stamps files from a coarse
 * clock that can lag the one Date.now() reads by a tick.
 */
const CLOCK_SLACK_MS = 2_000;
/** A unit carried longer than this is backed up again anyway: a clock set back cannot hide a change for longer. */
const MAX_CARRY_AGE_MS = 24 * 3600_000;
/** lstat calls between yields to the event loop during the change walk (reads go on during a snapshot). */
const WALK_SLICE = 1_000;

/** One snapshot as `restic snapshots --json` lists it. */
export interface RepoSnapshot { id: string; short_id: string; time: string; paths?: string[] | null; tags?: string[] | null }

export interface SetInfo {
  key: string;
  /** Date.now() when the set's change walk started: what is older than this (less the slack) is in it */
  at: number;
  /** unit → full id of the snapshot that physically holds it; null: its holder is gone (the repository lost it) */
  units: Map<string, string | null>;
  /** units physically in this snapshot */
  own: string[];
}

export interface SnapshotView {
  id: string;
  short_id: string;
  time: string;
  tags: string[];
  hidden: boolean;
  /** null: a whole-tree snapshot (taken before sets) */
  set: SetInfo | null;
}

function b64(s: string): string { return Buffer.from(s, 'utf8').toString('base64url'); }
function unb64(s: string): string { return Buffer.from(s, 'base64url').toString('utf8'); }

export function carryTag(holderKey: string, unit: string): string { return `${CARRY_TAG}${holderKey}:${b64(unit)}`; }
export function atTag(at: number): string { return `${AT_TAG}${at}`; }

/** Every snapshot of the listing with its set resolved (carries to holder ids). */
export function parseListing(raw: RepoSnapshot[]): Map<string, SnapshotView> {
  const byKey = new Map<string, RepoSnapshot>();
  for (const s of raw) {
    const key = s.tags?.find((t) => t.startsWith(SET_TAG))?.slice(SET_TAG.length);
    // a retag killed midway can leave two snapshots with one key: same content, prefer the live one
    if (key && (!byKey.has(key) || !s.tags?.includes(HIDDEN_TAG))) byKey.set(key, s);
  }
  const out = new Map<string, SnapshotView>();
  for (const s of raw) {
    const tags = s.tags ?? [];
    const key = tags.find((t) => t.startsWith(SET_TAG))?.slice(SET_TAG.length);
    let set: SetInfo | null = null;
    if (key) {
      const own = (s.paths ?? []).map((p) => path.basename(p)).filter((u) => u !== META_DIR);
      const units = new Map<string, string | null>();
      for (const u of own) units.set(u, s.id);
      for (const t of tags) {
        if (!t.startsWith(CARRY_TAG)) continue;
        const rest = t.slice(CARRY_TAG.length);
        const i = rest.indexOf(':');
        if (i < 0) continue;
        units.set(unb64(rest.slice(i + 1)), byKey.get(rest.slice(0, i))?.id ?? null);
      }
      set = { key, at: Number(tags.find((t) => t.startsWith(AT_TAG))?.slice(AT_TAG.length) ?? NaN), units, own };
    }
    out.set(s.id, { id: s.id, short_id: s.short_id, time: s.time, tags, hidden: tags.includes(HIDDEN_TAG), set });
  }
  return out;
}

/** Units grouped by the snapshot that holds them. */
export function byHolder(set: SetInfo, units: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of units) {
    const h = set.units.get(u);
    if (!h) continue;
    const list = out.get(h) ?? [];
    list.push(u);
    out.set(h, list);
  }
  return out;
}

/** Live sets (not hidden) naming `holderId` as the holder of some unit, other than `except`. */
export function referencedBy(views: Map<string, SnapshotView>, holderId: string, except: Set<string>): string[] {
  const out: string[] = [];
  for (const v of views.values()) {
    if (v.hidden || !v.set || except.has(v.id)) continue;
    for (const h of v.set.units.values()) if (h === holderId) { out.push(v.id); break; }
  }
  return out;
}

export interface SetPlan {
  /** units to back up now */
  changed: string[];
  /** units carried: unit → set key of their holder */
  carried: Map<string, string>;
  /** regular files in the carried units (counted by the walk) */
  carriedFiles: number;
  /** the snapshot restic compares with (its parent): the one physically holding most of the changed units */
  parent: string | null;
}

/**
 * Which units changed since `prev` (the newest live set), by an lstat walk: a unit is carried only when every
 * entry in it (folders too: an add, delete or rename changes the folder's times) has a ctime and mtime older than
 * the previous set's start. When in doubt it is backed up: no previous set, a unit new to it, a holder missing or
 * older than a day, a clock that went back, any unreadable entry, a filesystem that keeps no ctime.
 */
export async function planSet(dataDir: string, views: Map<string, SnapshotView>, prev: SnapshotView | null, now: number, skip: (abs: string) => boolean): Promise<SetPlan> {
  const units: string[] = [];
  for (const e of fs.readdirSync(dataDir, { withFileTypes: true })) {
    if (e.name === META_DIR || TEMP_NAME.test(e.name) || skip(path.join(dataDir, e.name))) continue;
    units.push(e.name);
  }
  units.sort();
  const changed: string[] = [];
  const carried = new Map<string, string>();
  let carriedFiles = 0;
  const set = prev?.set ?? null;
  const since = set && Number.isFinite(set.at) && set.at <= now ? set.at - CLOCK_SLACK_MS : null;
  for (const u of units) {
    const holder = set?.units.get(u) ?? null;
    const holderView = holder ? views.get(holder) : undefined;
    const holderKey = holderView?.set?.key;
    if (since === null || !holder || !holderKey || !holderView?.set || !(now - holderView.set.at < MAX_CARRY_AGE_MS)) { changed.push(u); continue; }
    const files = await unchangedFiles(path.join(dataDir, u), since, skip);
    if (files === null) changed.push(u);
    else { carried.set(u, holderKey); carriedFiles += files; }
  }
  // restic's parent: among the previous holders of the changed units, the one holding most of them
  const score = new Map<string, number>();
  for (const u of changed) {
    const h = set?.units.get(u);
    if (h) score.set(h, (score.get(h) ?? 0) + 1);
  }
  let parent: string | null = prev?.id ?? null;
  let best = 0;
  for (const [h, n] of score) if (n > best) { parent = h; best = n; }
  return { changed, carried, carriedFiles, parent };
}

/** Regular files under `abs` when nothing in it changed after `since`; null when something did (or in doubt). */
async function unchangedFiles(abs: string, since: number, skip: (abs: string) => boolean): Promise<number | null> {
  let files = 0;
  let n = 0;
  const stack = [abs];
  while (stack.length) {
    const p = stack.pop()!;
    let st: fs.Stats;
    try { st = fs.lstatSync(p); } catch { return null; }
    // a ctime of 0 is a filesystem that does not keep one: its mtime alone can be put back, so it proves nothing
    if (st.ctimeMs >= since || st.mtimeMs >= since || st.ctimeMs === 0) return null;
    if (st.isDirectory()) {
      let names: string[];
      try { names = fs.readdirSync(p); } catch { return null; }
      for (const name of names) {
        const child = path.join(p, name);
        if (!skip(child)) stack.push(child);
      }
    } else if (st.isFile()) files++;
    if (++n % WALK_SLICE === 0) await new Promise((r) => setImmediate(r));
  }
  return files;
}
