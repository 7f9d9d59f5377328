// Snapshots of this tenant's data dir in a restic repository: backup, list, browse, read one file, forget,
// retention, check, and restore (which never overwrites silently: what it replaces goes to the trash first).
//
// Consistency without blocking: every write of the tenant is temp + fsync + rename, and temp files are excluded,
// so restic reads each file either before or after a write, never half of one; backups take no writer lock, so
// reads and writes go on while restic runs (niced). Restores take the writer lock only to move finished files in.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BadRequestError, NotFoundError } from '../engine-types.ts';
import { lstatConfined, readFileConfined, renameConfined } from '../fs/confined-fs.ts';
import type { Trash, TrashItem } from '../notes/trash.ts';
import { hiddenSegment } from '../fs/visible-path.ts';
import { isLocalRepository, jsonLines, restic, ResticError, type ResticConfig } from './restic.ts';
import { ensureFastKey, fastKeyId } from './restic-key.ts';
import {
  atTag, byHolder, carryTag, HIDDEN_TAG, META_DIR, parseListing, planSet, referencedBy, SET_TAG, type RepoSnapshot, type SnapshotView,
} from './snapshot-sets.ts';

/** Hidden work folder for restores (same filesystem as the data, so a restored file is renamed into place). */
const RESTORE_TMP_DIR = path.join('.basic-memory', 'restore-tmp');
const SNAPSHOT_ID_RE = /^[0-9a-f]{8,64}$/;
/**
 * Reads (list, browse, find, dump, restore into the work folder) take no repository lock: no lock file to write,
 * fsync and remove on every call, and a prune holding the exclusive lock does not turn them away. A prune removing
 * data under a read makes that read fail with restic's error; the person's files are only changed after a
 * restore has fully arrived in the work folder.
 */
const READ_ONLY = ['--no-lock'];

export type SnapshotKind = 'scheduled' | 'manual';

export interface SnapshotSummary {
  id: string;
  short_id: string;
  time: string;
  kind: SnapshotKind | null;
  /** the control plane's run id, when it asked for the snapshot */
  run_id: string | null;
}

export interface BackupResult {
  snapshot_id: string;
  files: number;
  files_new: number;
  files_changed: number;
  bytes_added: number;
  bytes_processed: number;
  duration_ms: number;
  repository_bytes: number | null;
  /** units (project folders, loose files) restic backed up in this set */
  projects_backed_up: number;
  /** units carried unchanged from earlier sets */
  projects_carried: number;
}

export interface SnapshotFile { key: string; size: number; last_modified: string }

export interface RestoreResult {
  snapshot_id: string;
  /** keys written (data-dir relative, with `/`) */
  restored: string[];
  /** keys whose current content was identical: left as they were */
  unchanged: string[];
  /** what the restore replaced, each in the trash first */
  replaced: { path: string; trash_id: string }[];
  /** projects (top-level folders) touched */
  projects: string[];
}

export interface RetentionPolicy { hourlyHours: number; dailyDays: number; weeklyWeeks: number }

export class SnapshotsNotConfiguredError extends Error { override name = 'SnapshotsNotConfiguredError'; }
export class RepositoryError extends Error { override name = 'RepositoryError'; }
/** A restore would take the tenant past its storage quota: nothing was written to the person's files. */
export class RestoreQuotaError extends Error { override name = 'RestoreQuotaError'; }
/** A disk filled up during a snapshot or a restore. */
export class DiskFullError extends Error { override name = 'DiskFullError'; }

/** A restic pattern (--include, find) that matches exactly this path: its glob characters escaped. */
function literalPattern(key: string): string {
  return '/' + key.replace(/[\\*?[\]]/g, (c) => '\\' + c);
}

/** A path from a request, as a data-dir relative key: `/` separated, no leading `/`, never hidden or escaping. */
function normaliseKey(input: string): string {
  const s = input.replace(/\\/g, '/').replace(/^\/+/, '');
  const parts = s.split('/').filter((p) => p !== '' && p !== '.');
  for (const p of parts) {
    if (p === '..' || p.includes('\0')) throw new BadRequestError('Invalid path: it must stay inside your files');
    if (hiddenSegment(p)) throw new BadRequestError(`Hidden or ignored path: ${input}`);
  }
  return parts.join('/');
}

function isVisibleKey(key: string): boolean {
  return key.split('/').every((p) => !hiddenSegment(p));
}

export class SnapshotStore {
  private cfg: ResticConfig;
  /** the repository has been given its cheap key (or cannot be: remote, or no key opens) */
  private keyChecked = false;
  private readonly trash: Trash;
  private readonly tenantId: string;
  private exclusive: Promise<unknown> = Promise.resolve();
  /** the repository's snapshots as last listed; dropped by every change this process makes (it is the only writer) */
  private viewCache: Map<string, SnapshotView> | null = null;
  private viewGen = 0;

  constructor(cfg: ResticConfig, trash: Trash, tenantId: string) {
    this.cfg = cfg;
    this.trash = trash;
    this.tenantId = tenantId;
  }

  get dataDir(): string { return this.cfg.dataDir; }
  get repository(): string { return this.cfg.repository; }

  /** Backups, forgets and checks run one at a time (restic would lock them out of each other anyway). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(fn, fn);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /** The config with the repository's cheap key as restic's first try, once it has one (a look at `keys/`). */
  private hinted(): ResticConfig {
    if (!this.cfg.keyHint && isLocalRepository(this.cfg.repository)) {
      const id = fastKeyId(this.cfg.repository);
      if (id) this.cfg = { ...this.cfg, keyHint: id };
    }
    return this.cfg;
  }

  private async run(args: string[], opts: Parameters<typeof restic>[2] = {}) {
    try {
      return await restic(this.hinted(), args, opts);
    } catch (e) {
      if (e instanceof ResticError && e.locked) {
        // a lock left by a restic that was killed: `unlock` removes only locks whose process is gone
        await restic(this.hinted(), ['unlock']).catch(() => undefined);
        return await restic(this.hinted(), args, opts);
      }
      throw this.explain(e);
    }
  }

  private explain(e: unknown): unknown {
    if (!(e instanceof ResticError)) return e;
    if (/no space left on device|ENOSPC|disk quota exceeded/i.test(e.stderr)) {
      return new DiskFullError(`The disk is full: restic stopped (${e.message.replace(/^restic /, '')}). Nothing of your files was changed; free space and try again.`);
    }
    if (e.repositoryMissing) return new RepositoryError(`The snapshot repository is missing or unreadable (${this.describeRepo()}). Earlier snapshots cannot be reached until an operator restores it.`);
    if (e.wrongPassword) return new RepositoryError('The snapshot repository does not accept this tenant\'s password (wrong or damaged key).');
    if (/^panic:/m.test(e.stderr)) return new RepositoryError(`The snapshot repository is damaged: restic could not read it (${e.stderr.split('\n')[0]!.trim()}). An operator must repair or restore it.`);
    if (/unable to load|ciphertext verification failed|invalid data|Load\(.*\) returned error|decrypting blob|pack.*not found|tree .* not found|LoadTree/i.test(e.stderr))
      return new RepositoryError(`The snapshot repository is damaged: ${e.message}`);
    return e;
  }

  private describeRepo(): string {
    return isLocalRepository(this.cfg.repository) ? 'local repository' : this.cfg.repository.replace(/\/\/[^@/]*@/, '//');
  }

  private repoExists(): boolean {
    if (!isLocalRepository(this.cfg.repository)) return true;
    return fs.existsSync(path.join(this.cfg.repository, 'config'));
  }

  /** Creates the repository when asked to (the first snapshot); otherwise a missing one is an error. */
  private async ensureRepo(allowInit: boolean): Promise<void> {
    if (this.repoExists()) return this.ensureFastKey();
    if (!allowInit || (isLocalRepository(this.cfg.repository) && fs.existsSync(this.cfg.repository) && fs.readdirSync(this.cfg.repository).length > 0)) {
      throw new RepositoryError(`The snapshot repository is missing or unreadable (${this.describeRepo()}). Earlier snapshots cannot be reached until an operator restores it.`);
    }
    if (isLocalRepository(this.cfg.repository)) fs.mkdirSync(path.dirname(this.cfg.repository), { recursive: true, mode: 0o700 });
    await this.run(['init', '--json']);
    await this.ensureFastKey();
  }

  /**
   * Every restic command starts by deriving the repository key, which restic calibrated to ≈ 0.5 s at `init`; a
   * local repository gets a second key with a cheap derivation (restic-key.ts) that every command tries first.
   * Once per process; without it restic uses its own key, only slower.
   */
  private async ensureFastKey(): Promise<void> {
    if (this.keyChecked || !isLocalRepository(this.cfg.repository)) return;
    this.keyChecked = true;
    const id = await ensureFastKey(this.cfg.repository, this.cfg.passwordFile).catch(() => null);
    if (id) this.cfg = { ...this.cfg, keyHint: id };
  }

  private excludes(): string[] {
    const d = this.cfg.dataDir;
    const list = ['.bm-tmp-*.tmp', '.bm-upload-*.tmp', path.join(d, '.basic-memory', 'trash'), path.join(d, '.basic-memory', 'tenant.lock'),
      path.join(d, RESTORE_TMP_DIR)];
    if (isLocalRepository(this.cfg.repository)) list.push(path.resolve(this.cfg.repository));
    return list.flatMap((x) => ['--exclude', x]);
  }

  backup(opts: { kind: SnapshotKind; runId?: string; allowInit?: boolean; nice?: boolean }): Promise<BackupResult> {
    return this.serial(async () => {
      await this.ensureRepo(!!opts.allowInit);
      const t0 = performance.now();
      // the kept listing is as fresh as a new one: backups, retags and forgets all go through this process (serially)
      const views = await this.views();
      // the previous snapshot: its set says what may be carried (a whole-tree one is only restic's parent)
      const prev = [...views.values()].filter((v) => !v.hidden).sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0] ?? null;
      const now = Date.now();
      const repoAbs = isLocalRepository(this.cfg.repository) ? path.resolve(this.cfg.repository) : null;
      const plan = await planSet(this.cfg.dataDir, views, prev, now, (abs) => abs === repoAbs);
      fs.mkdirSync(path.join(this.cfg.dataDir, META_DIR), { recursive: true });
      const tags = ['--tag', `kind:${opts.kind}`, '--tag', `${SET_TAG}${crypto.randomBytes(8).toString('hex')}`, '--tag', atTag(now)];
      if (opts.runId) tags.push('--tag', `run:${opts.runId}`);
      for (const [unit, holderKey] of plan.carried) tags.push('--tag', carryTag(holderKey, unit));
      if (plan.parent) tags.push('--parent', plan.parent);
      // --quiet: restic's JSON summary still comes, its progress lines (60 a second, ~600 KB for a first snapshot of
      // 100,000 files, all held and parsed here) do not
      const r = await this.run(['backup', '--json', '--quiet', '--host', `tenant-${this.tenantId}`, ...tags, ...this.excludes(), '--', META_DIR, ...plan.changed],
        { nice: opts.nice ?? true }).finally(() => this.changed());
      const summary = jsonLines<Record<string, number | string>>(r.stdout).find((m) => m.message_type === 'summary');
      if (!summary || typeof summary.snapshot_id !== 'string') throw new RepositoryError('restic finished without a snapshot summary');
      return {
        snapshot_id: summary.snapshot_id,
        files: Number(summary.total_files_processed ?? 0) + plan.carriedFiles,
        files_new: Number(summary.files_new ?? 0),
        files_changed: Number(summary.files_changed ?? 0),
        bytes_added: Number(summary.data_added ?? 0),
        bytes_processed: Number(summary.total_bytes_processed ?? 0),
        duration_ms: Math.round(performance.now() - t0),
        repository_bytes: await this.repositoryBytes(),
        projects_backed_up: plan.changed.length,
        projects_carried: plan.carried.size,
      };
    });
  }

  /** Size of the repository: the folder's bytes for a local one, restic's raw-data figure otherwise. */
  async repositoryBytes(): Promise<number | null> {
    if (isLocalRepository(this.cfg.repository)) {
      let n = 0;
      try {
        for (const e of fs.readdirSync(this.cfg.repository, { withFileTypes: true, recursive: true })) {
          if (e.isFile()) n += fs.lstatSync(path.join(e.parentPath, e.name), { throwIfNoEntry: false })?.size ?? 0;
        }
      } catch { return null; }
      return n;
    }
    try {
      const r = await this.run(['stats', '--mode', 'raw-data', '--json']);
      return Number(jsonLines<{ total_size?: number }>(r.stdout)[0]?.total_size ?? 0);
    } catch { return null; }
  }

  /**
   * Every snapshot in the repository (hidden sets too), sets resolved. A listing is kept until this process changes
   * the repository (a listing that started before such a change is not kept); `fresh` lists anew (what a delete
   * forgets is decided on the repository as it is).
   */
  private async views(fresh = false): Promise<Map<string, SnapshotView>> {
    if (this.viewCache && !fresh) return this.viewCache;
    const gen = this.viewGen;
    const r = await this.run([...READ_ONLY, 'snapshots', '--json']);
    const views = parseListing((JSON.parse(r.stdout.trim() || '[]') as RepoSnapshot[] | null) ?? []);
    // a listing that started before a change of this process is not kept
    if (gen === this.viewGen) this.viewCache = views;
    return views;
  }

  /** The repository's snapshots changed (a backup, a retag, a forget): the kept listing is dropped. */
  private changed(): void {
    this.viewCache = null;
    this.viewGen++;
  }

  /** The live snapshot `id` names (a set or a whole-tree snapshot; an id prefix as restic accepts), or a 404. */
  private async view(id: string): Promise<SnapshotView> {
    const sid = this.snapshotId(id);
    // not in the listing this process keeps: snapshots taken elsewhere (an operator's restic) are looked up afresh
    const hits = liveMatches(await this.views(), sid);
    return onlyMatch(hits.length ? hits : liveMatches(await this.views(true), sid), id);
  }

  async list(): Promise<SnapshotSummary[]> {
    if (!this.repoExists()) return [];
    return [...(await this.views(true)).values()].filter((v) => !v.hidden).map((s) => {
      const kind = s.tags.find((t) => t.startsWith('kind:'))?.slice(5);
      return { id: s.id, short_id: s.short_id, time: s.time, kind: kind === 'scheduled' || kind === 'manual' ? kind : null,
        run_id: s.tags.find((t) => t.startsWith('run:'))?.slice(4) ?? null };
    });
  }

  private snapshotId(id: string): string {
    if (!SNAPSHOT_ID_RE.test(id)) throw new NotFoundError(`Snapshot '${id}' not found`);
    return id;
  }

  /**
   * Where a read of `key` ('' = everything) in snapshot `id` goes: restic snapshot ids with the units each is read
   * for (null: the whole tree of a snapshot taken before sets).
   */
  private async sources(id: string, key: string): Promise<{ view: SnapshotView; reads: { sid: string; units: string[] | null }[] }> {
    if (!this.repoExists()) throw new RepositoryError(`The snapshot repository is missing or unreadable (${this.describeRepo()}).`);
    const view = await this.view(id);
    if (!view.set) return { view, reads: [{ sid: view.id, units: null }] };
    const unit = key.split('/')[0]!;
    const wanted = key ? (view.set.units.has(unit) ? [unit] : []) : [...view.set.units.keys()];
    const missing = wanted.filter((u) => !view.set!.units.get(u));
    if (missing.length) throw new RepositoryError(`The snapshot repository is damaged: the part of snapshot ${id} holding '${missing[0]}' is missing.`);
    return { view, reads: [...byHolder(view.set, wanted)].map(([sid, units]) => ({ sid, units })) };
  }

  /** Lists a snapshot's files whose key starts with `prefix` (upstream's browse). */
  async files(id: string, prefix = ''): Promise<SnapshotFile[]> {
    const clean = prefix.replace(/\\/g, '/').replace(/^\/+/, '');
    const dir = clean.includes('/') ? clean.slice(0, clean.lastIndexOf('/')) : '';
    const dirKey = dir ? normaliseKey(dir) : '';
    const { reads } = await this.sources(id, dirKey);
    const out: SnapshotFile[] = [];
    for (const read of reads) {
      const args = [...READ_ONLY, 'ls', '--json', '--recursive', read.sid];
      if (dirKey) args.push('/' + dirKey);
      else if (read.units) args.push(...read.units.map((u) => '/' + u));
      const r = await this.run(args).catch((e: unknown) => {
        if (e instanceof ResticError && /no matching ID|no snapshot found|invalid id/i.test(e.stderr)) throw new NotFoundError(`Snapshot '${id}' not found`);
        throw e;
      });
      const lines = jsonLines<{ type?: string; path?: string; size?: number; mtime?: string; struct_type?: string }>(r.stdout);
      // restic ls says "Ignoring …: no matching ID" and exits 0 for an unknown snapshot
      if (!lines.some((n) => n.struct_type === 'snapshot')) throw new NotFoundError(`Snapshot '${id}' not found`);
      const units = read.units ? new Set(read.units) : null;
      for (const n of lines) {
        if (n.struct_type !== 'node' || n.type !== 'file' || !n.path) continue;
        const key = n.path.replace(/^\/+/, '');
        // a holder also holds units that later sets changed: only this set's units count
        if (units && !units.has(key.split('/')[0]!)) continue;
        if (!key.startsWith(clean) || !isVisibleKey(key)) continue;
        out.push({ key, size: n.size ?? 0, last_modified: n.mtime ?? '' });
      }
    }
    // One listing in key order, however many snapshots of the set hold its projects.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** One file's bytes as the snapshot holds it (note history, previews). */
  async readFile(id: string, key: string, maxBytes = 32 * 1024 * 1024): Promise<Buffer> {
    this.snapshotId(id);
    const k = normaliseKey(key);
    if (!k) throw new BadRequestError('A file path is needed');
    const { reads } = await this.sources(id, k);
    if (!reads[0]) throw new NotFoundError(`'${k}' is not in snapshot ${id}`);
    const parts: Buffer[] = [];
    let n = 0;
    try {
      await this.run([...READ_ONLY, 'dump', reads[0].sid, '/' + k], { onStdout: (c) => { n += c.length; if (n <= maxBytes) parts.push(c); } });
    } catch (e) {
      if (e instanceof ResticError && /not found in snapshot|no matching ID|no snapshot found/i.test(e.stderr)) throw new NotFoundError(`'${k}' is not in snapshot ${id}`);
      if (e instanceof ResticError && /is a directory|cannot dump.*dir/i.test(e.stderr)) throw new BadRequestError(`'${k}' is a folder`);
      throw e;
    }
    if (n > maxBytes) throw new BadRequestError(`'${k}' is larger than ${maxBytes} bytes`);
    return Buffer.concat(parts);
  }

  /**
   * The versions of one file across all snapshots (`restic find`, one call): per snapshot that holds it, its
   * mtime and size. The caller groups equal (mtime, size) pairs into distinct versions.
   */
  async history(key: string): Promise<{ snapshot_id: string; mtime: string; size: number }[]> {
    const k = normaliseKey(key);
    if (!k) throw new BadRequestError('A file path is needed');
    if (!this.repoExists()) return [];
    const views = await this.views();
    const unit = k.split('/')[0]!;
    // a set's version of the file is its holder's: each holder's hit stands for every live set reading it there
    const readers = new Map<string, string[]>();
    for (const v of views.values()) {
      if (v.hidden) continue;
      const holder = v.set ? v.set.units.get(unit) : v.id;
      if (holder) readers.set(holder, [...(readers.get(holder) ?? []), v.id]);
    }
    if (readers.size === 0) return [];
    // restic find takes a glob: its special characters are escaped to match the name itself; only the snapshots
    // read by live ones are searched (find reports a subtree it has seen once, so a hidden one must not take it)
    const r = await this.run([...READ_ONLY, 'find', '--json', ...[...readers.keys()].flatMap((h) => ['--snapshot', h]), literalPattern(k)]);
    const groups = (jsonLines<{ snapshot: string; matches?: { path: string; type: string; mtime: string; size?: number }[] }[]>(r.stdout)[0] ?? []) as
      { snapshot: string; matches?: { path: string; type: string; mtime: string; size?: number }[] }[];
    const out: { snapshot_id: string; mtime: string; size: number }[] = [];
    for (const g of groups) {
      const m = g.matches?.find((x) => x.type === 'file' && x.path === '/' + k);
      if (!m) continue;
      for (const id of readers.get(g.snapshot) ?? []) out.push({ snapshot_id: id, mtime: m.mtime, size: m.size ?? 0 });
    }
    return out;
  }

  /** Forgets one snapshot (its data goes at the next prune). */
  forget(id: string): Promise<void> {
    const sid = this.snapshotId(id);
    return this.serial(async () => {
      // one fresh listing decides both which snapshot `id` is and what dropping it hides or forgets
      const views = await this.views(true);
      await this.drop([onlyMatch(liveMatches(views, sid), id).id], views);
    });
  }

  /**
   * Forgets these snapshots. A set that live sets still carry units from is hidden instead (retagged: no `kind:`,
   * so neither listed nor counted by retention); hidden sets no live set names any more are forgotten with them.
   */
  private async drop(ids: string[], views: Map<string, SnapshotView>, prune = false): Promise<void> {
    const leaving = new Set(ids);
    const hide = ids.filter((i) => views.get(i)?.set && referencedBy(views, i, leaving).length > 0);
    const forget = ids.filter((i) => !hide.includes(i));
    for (const v of views.values()) {
      if (v.hidden && !leaving.has(v.id) && referencedBy(views, v.id, leaving).length === 0) forget.push(v.id);
    }
    try {
      if (hide.length) {
        const kinds = [...new Set(hide.flatMap((i) => views.get(i)!.tags.filter((t) => t.startsWith('kind:'))))];
        await this.run(['tag', '--add', HIDDEN_TAG, ...kinds.flatMap((t) => ['--remove', t]), ...hide]);
      }
      if (forget.length) await this.run(['forget', ...(prune ? ['--prune'] : []), ...forget], { nice: prune });
      else if (prune && hide.length) await this.run(['prune'], { nice: true });
    } finally {
      this.changed();
    }
  }

  /** Applies the retention policy to scheduled snapshots (manual ones stay until deleted) and prunes. */
  applyRetention(policy: RetentionPolicy): Promise<{ removed: string[]; kept: number; repository_bytes: number | null }> {
    return this.serial(async () => {
      if (!this.repoExists()) return { removed: [], kept: 0, repository_bytes: null };
      // restic's policy decides (a dry run), over all of the tenant's snapshots as one timeline (sets back up
      // different paths each time, so not grouped by paths); removing is ours, so carried units stay readable
      const r = await this.run([...READ_ONLY, 'forget', '--dry-run', '--json', '--group-by', 'host', '--tag', 'kind:scheduled', '--keep-within-hourly', `${policy.hourlyHours}h`,
        '--keep-within-daily', `${policy.dailyDays}d`, '--keep-within-weekly', `${policy.weeklyWeeks * 7}d`]);
      const groups = (jsonLines<{ keep?: { id: string }[]; remove?: { id: string }[] | null }[]>(r.stdout)[0] ?? []) as { keep?: { id: string }[]; remove?: { id: string }[] | null }[];
      const removed = groups.flatMap((g) => (g.remove ?? []).map((s) => s.id));
      const kept = groups.reduce((n, g) => n + (g.keep?.length ?? 0), 0);
      await this.drop(removed, await this.views(true), true);
      return { removed, kept, repository_bytes: await this.repositoryBytes() };
    });
  }

  /** `restic check`: ok, or restic's complaint (a lock left by a killed restic is removed first, as for every command). */
  check(): Promise<{ ok: boolean; message: string }> {
    return this.serial(async () => {
      try {
        const r = await this.run(['check']);
        return { ok: true, message: r.stdout.trim().split('\n').pop() ?? 'no errors were found' };
      } catch (e) {
        const x = this.explain(e);
        return { ok: false, message: x instanceof Error ? x.message : String(x) };
      }
    });
  }

  /**
   * Restores `key` (a file or a folder; '' = everything visible) from snapshot `id`: to its place, or beside it as
   * a copy. restic writes into a hidden work folder first; then, under the writer lock, each file that differs from
   * the current one moves the current one to the trash and is renamed into place. Returns what changed.
   */
  async restore(id: string, key: string, opts: {
    asCopy?: boolean; now?: Date; asWriter: <T>(fn: () => T | Promise<T>) => Promise<T>; projectOf: (folder: string) => string | null;
    /** what the caller knows the path is (a browse listing); a trailing `/` says folder */
    kind?: 'file' | 'folder';
    /** bytes the tenant may still add when `replacedBytes` are replaced (its storage quota; Infinity without one) */
    quotaRoom?: (replacedBytes: number) => number;
  }): Promise<RestoreResult> {
    const sid = this.snapshotId(id);
    const k = normaliseKey(key);
    const kind = opts.kind ?? (/[\\/]$/.test(key) ? 'folder' : undefined);
    if (opts.asCopy && !k) throw new BadRequestError('A copy needs a file or folder path, not the whole snapshot');
    if (k && !k.includes('/') && opts.asCopy) throw new BadRequestError('A project is restored to its place; restore its folders as copies instead');
    const { reads } = await this.sources(id, k);
    if (reads.length === 0) throw new NotFoundError(`'${k || '/'}' is not in snapshot ${id}`);
    // one restic call per snapshot read (each pays the repository key's derivation): restore into the work folder,
    // then look at what came out
    const work = path.join(this.cfg.dataDir, RESTORE_TMP_DIR, crypto.randomBytes(8).toString('hex'));
    fs.mkdirSync(work, { recursive: true, mode: 0o700 });
    try {
      if (kind === 'file' && k) {
        // one file: `restic dump` reads just it (restore plans a whole restore); its path is literal, not a pattern
        const dest = path.join(work, k);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        const fd = fs.openSync(dest, 'wx', 0o644);
        let failed: unknown = null;
        try {
          await this.run([...READ_ONLY, 'dump', reads[0]!.sid, '/' + k], { onStdout: (c) => { if (!failed) { try { fs.writeSync(fd, c); } catch (e) { failed = e; } } } });
        } catch (e) {
          if (e instanceof ResticError && /not found in snapshot|no matching ID|no snapshot found|invalid id/i.test(e.stderr)) {
            throw new NotFoundError(/not found in snapshot/i.test(e.stderr) ? `'${k}' is not in snapshot ${id}` : `Snapshot '${id}' not found`);
          }
          throw e;
        } finally { fs.closeSync(fd); }
        if (failed) throw diskError(failed);
      } else {
        for (const read of reads) {
          // --include takes a pattern: a name with [ ] * ? is escaped, so `a[1].md` restores itself and only itself
          const includes = k ? ['--include', literalPattern(k)] : (read.units ?? []).flatMap((u) => ['--include', literalPattern(u)]);
          await this.run([...READ_ONLY, 'restore', read.sid, '--target', work, ...includes]).catch((e: unknown) => {
            if (e instanceof ResticError && /no matching ID|no snapshot found|invalid id/i.test(e.stderr)) throw new NotFoundError(`Snapshot '${id}' not found`);
            throw e;
          });
        }
      }
      const wanted = restoredFiles(work, k);
      if (wanted.length === 0) throw new NotFoundError(`'${k || '/'}' is not in snapshot ${id}`);
      const stamp = (opts.now ?? new Date()).toISOString().slice(0, 16).replace('T', ' ').replace(':', '');
      const isFile = wanted.length === 1 && wanted[0]!.key === k;
      const copyKey = (fileKey: string): string => {
        if (!opts.asCopy) return fileKey;
        // "a/b.md" → "a/b (restored 2026-12-07 0312).md"; a folder "a/f" → "a/f (restored …)/…"
        const target = k;
        const ext = isFile ? path.posix.extname(target) : '';
        const base = ext ? target.slice(0, -ext.length) : target;
        let candidate = `${base} (restored ${stamp})${ext}`;
        for (let i = 2; lstatConfined(path.join(this.cfg.dataDir, candidate)); i++) candidate = `${base} (restored ${stamp} ${i})${ext}`;
        return candidate + fileKey.slice(target.length);
      };
      const result: RestoreResult = { snapshot_id: sid, restored: [], unchanged: [], replaced: [], projects: [] };
      await opts.asWriter(() => {
        const copyRoot = opts.asCopy ? copyKey(k) : null;
        if (opts.quotaRoom) {
          // the storage quota, checked before anything of the person's files changes (under the writer lock)
          let adding = 0, replacing = 0;
          for (const f of wanted) {
            adding += fs.lstatSync(path.join(work, f.key), { throwIfNoEntry: false })?.size ?? 0;
            const now = lstatConfined(path.join(this.cfg.dataDir, copyRoot ? copyRoot + f.key.slice(k.length) : f.key));
            if (now?.isFile()) replacing += now.size;
          }
          const room = opts.quotaRoom(replacing);
          if (adding > room) throw new RestoreQuotaError(`Storage quota exceeded: this restore needs ${adding - replacing} more bytes and ${Math.max(0, room - replacing)} are left. Nothing was restored; delete files or ask for more space.`);
        }
        const projects = new Set<string>();
        for (const f of wanted) {
          const src = path.join(work, f.key);
          if (!fs.existsSync(src)) continue;
          const destKey = copyRoot ? copyRoot + f.key.slice(k.length) : f.key;
          const dest = path.join(this.cfg.dataDir, destKey);
          const folder = destKey.split('/')[0]!;
          projects.add(folder);
          const st = lstatConfined(dest);
          if (st && st.isFile()) {
            if (readFileConfined(dest).equals(fs.readFileSync(src))) { result.unchanged.push(destKey); continue; }
            result.replaced.push({ path: destKey, trash_id: this.toTrash(dest, destKey, opts.projectOf).id });
          } else if (st) {
            // a folder (or link) where the snapshot has a file: it goes to the trash whole
            result.replaced.push({ path: destKey, trash_id: this.toTrash(dest, destKey, opts.projectOf).id });
          }
          this.ensureParents(destKey, result, opts.projectOf);
          renameConfined(src, dest, { noReplace: true, createParents: true });
          result.restored.push(destKey);
        }
        result.projects = [...projects];
      });
      return result;
    } catch (e) {
      throw diskError(e);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /** A file standing where the restore needs a folder goes to the trash (never overwritten). */
  private ensureParents(destKey: string, result: RestoreResult, projectOf: (folder: string) => string | null): void {
    const parts = destKey.split('/');
    for (let i = 1; i < parts.length; i++) {
      const k = parts.slice(0, i).join('/');
      const st = lstatConfined(path.join(this.cfg.dataDir, k));
      if (st && !st.isDirectory()) result.replaced.push({ path: k, trash_id: this.toTrash(path.join(this.cfg.dataDir, k), k, projectOf).id });
    }
  }

  private toTrash(abs: string, key: string, projectOf: (folder: string) => string | null): TrashItem {
    const [folder, ...rest] = key.split('/');
    const project = projectOf(folder!) ?? folder!;
    if (rest.length === 0) {
      // a top-level entry that is not a folder: not a project, just a file
      return this.trash.put(abs, { kind: 'file', project, path: folder!, reason: 'restore' });
    }
    const rel = rest.join('/');
    return this.trash.put(abs, { kind: rel.endsWith('.md') ? 'note' : 'file', project, path: rel, title: rel.endsWith('.md') ? path.posix.basename(rel, '.md') : null, reason: 'restore' });
  }
}

/** ENOSPC while restoring (restic's or ours) as DiskFullError; anything else unchanged. */
function diskError(e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || (e instanceof ResticError && /no space left on device|disk quota exceeded/i.test(e.stderr))) {
    return new DiskFullError('The disk is full: the restore stopped. No file of yours was overwritten (what a restore replaces is in the trash first); free space and try again.');
  }
  return e;
}

/** Live (listed) snapshots whose id starts with `sid`. */
function liveMatches(views: Map<string, SnapshotView>, sid: string): SnapshotView[] {
  return [...views.values()].filter((v) => !v.hidden && v.id.startsWith(sid));
}

/** The one snapshot an id names, or a 404 (none, or a prefix naming several). */
function onlyMatch(hits: SnapshotView[], id: string): SnapshotView {
  if (hits.length !== 1) throw new NotFoundError(`Snapshot '${id}' not found`);
  return hits[0]!;
}

/** The visible files restic put under `work/<key>` (the key itself when it is a file), as data-dir keys. */
function restoredFiles(work: string, key: string): { key: string }[] {
  const base = path.join(work, key);
  const st = fs.lstatSync(base, { throwIfNoEntry: false });
  if (!st) return [];
  if (st.isFile()) return isVisibleKey(key) ? [{ key }] : [];
  const out: { key: string }[] = [];
  for (const e of fs.readdirSync(base, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(work, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    if (isVisibleKey(rel)) out.push({ key: rel });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Removes what an interrupted restore left in the work folder (start-up). */
export function sweepRestoreLeftovers(dataDir: string): void {
  fs.rmSync(path.join(dataDir, RESTORE_TMP_DIR), { recursive: true, force: true });
}

