// Test helper: a real tenant API child process on temp dirs, plus signed HTTP requests to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signRequest } from '../../src/auth/request-signature.ts';

export const MAIN = path.resolve(import.meta.dirname, '..', '..', 'src', 'main.ts');

export type Tenant = {
  child: ChildProcess;
  host: string;
  port: number;
  pid: number;
  dataDir: string;
  indexDir: string;
  secret: string;
  tenantId: string;
  stderr: () => string;
  request: (method: string, pathAndQuery: string, body?: unknown, extraHeaders?: Record<string, string>) => Promise<Response>;
  json: (method: string, pathAndQuery: string, body?: unknown) => Promise<{ status: number; body: any; headers: Headers }>;
  waitHealthy: (timeoutMs?: number) => Promise<any>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

export async function startTenant(opts: {
  dataDir: string;
  indexDir?: string;
  args?: string[];
  env?: Record<string, string | undefined>;
  secret?: string;
  tenantId?: string;
  syncInterval?: number;
}): Promise<Tenant> {
  const indexDir = opts.indexDir ?? path.join(opts.dataDir + '-index');
  const secret = opts.secret ?? newSecret();
  const tenantId = opts.tenantId ?? 'test-tenant';
  const args = [MAIN, '--data-dir', opts.dataDir, '--index-dir', indexDir, '--port', '0', '--tenant-id', tenantId,
    '--sync-interval', String(opts.syncInterval ?? 0), ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BM_TENANT_SECRET: secret, BM_LOG_LEVEL: 'info', ...opts.env },
  });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl !== -1) {
        child.stdout!.off('data', onData);
        resolve(out.slice(0, nl));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tenant exited ${code} before listening:\n${err}`)));
    setTimeout(() => reject(new Error(`tenant did not listen in time:\n${err}`)), 60_000).unref();
  });
  const listening = JSON.parse(line);
  if (Object.keys(listening).join() !== 'event,host,port,pid' || listening.event !== 'listening') throw new Error(`unexpected first stdout line: ${line}`);
  const base = `http://127.0.0.1:${listening.port}`;
  const request = (method: string, pathAndQuery: string, body?: unknown, extraHeaders: Record<string, string> = {}) =>
    fetch(base + pathAndQuery, {
      method,
      headers: {
        ...signRequest({ secret, tenantId, method, pathAndQuery }),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...extraHeaders,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const tenant: Tenant = {
    child, host: listening.host, port: listening.port, pid: listening.pid, dataDir: opts.dataDir, indexDir, secret, tenantId,
    stderr: () => err,
    request,
    json: async (method, pathAndQuery, body) => {
      const res = await request(method, pathAndQuery, body);
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON: keep text so the assertion shows it */ }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    waitHealthy: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await fetch(base + '/health');
        const body = await res.json();
        if (body.status === 'ok') return body;
        if (Date.now() > deadline) throw new Error('tenant not healthy in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: (signal = 'SIGTERM') => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    }),
  };
  return tenant;
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The v2 route prefix of a project (`/v2/projects/{external_id}`), through the resolve route clients use. */
export async function v2Base(t: Tenant, project = 'main'): Promise<string> {
  return `/v2/projects/${(await t.json('POST', '/v2/projects/resolve', { identifier: project })).body.external_id}`;
}

/** A signed request with the path exactly as written, any method (WebDAV's too) and extra headers; the answer's bytes as sent. */
export async function davRequest(t: Tenant, method: string, rawPath: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  const http = await import('node:http');
  const h: Record<string, string> = { ...signRequest({ secret: t.secret, tenantId: t.tenantId, method, pathAndQuery: rawPath }), ...headers };
  if (body !== undefined) h['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: t.port, method, path: rawPath, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the path exactly as written (fetch/URL would normalise "..", "%2e%2e" and backslashes). */
export async function rawRequest(t: Tenant, method: string, rawPath: string, opts: { signed?: boolean; body?: unknown } = {}): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }> {
  const http = await import('node:http');
  const headers: Record<string, string> = opts.signed === false ? {} : signRequest({ secret: t.secret, tenantId: t.tenantId, method, pathAndQuery: rawPath });
  const payload = opts.body !== undefined ? JSON.stringify(opts.body) : undefined;
  if (payload) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: t.port, method, path: rawPath, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => {
        let body: unknown = data;
        try { body = JSON.parse(data); } catch { /* keep text */ }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
