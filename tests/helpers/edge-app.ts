// A stand-in for the Next server behind the front edge, in its own process (so its event loop can be
// saturated without touching the edge's): reports its loop lag over IPC as the real app does, and
// answers what the front-edge test needs to see. Started by tests/integration/front-edge.test.ts.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientIpFromHeaders, clientIpFromNodeRequest, socketPeer, stampClientAddress } from '../../lib/auth/request-info.ts';
import { reportLoopLagToEdge } from '../../lib/http/load-shedding.ts';

// Never outlive the test that started it.
process.on('disconnect', () => process.exit(0));
reportLoopLagToEdge((msg) => { if (process.connected) process.send?.(msg, undefined, undefined, () => {}); });

const json = (res: http.ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://app.invalid');
  const ms = Number(url.searchParams.get('ms') ?? 0);
  switch (url.pathname) {
    case '/proxy/hold': // in flight for `ms`, the loop free
      setTimeout(() => json(res, { ok: true }), ms);
      return;
    case '/burn': { // the loop saturated for `ms`
      const end = performance.now() + ms;
      while (performance.now() < end) { /* busy */ }
      json(res, { ok: true });
      return;
    }
    case '/proxy/peer': {
      const hops = Number(url.searchParams.get('hops') ?? 0);
      const xff = req.headers['x-forwarded-for'] ?? null;
      const clientIp = clientIpFromNodeRequest(req, hops); // the fast path's rule
      stampClientAddress(req); // what the request hook does before Next; route handlers read the stamp
      const h = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') h.set(k, v);
      json(res, { xff, clientIp, routeIp: clientIpFromHeaders(h, hops), peer: socketPeer(req), afterRead: req.headers['x-bmc-edge-peer'] ?? null });
      return;
    }
    case '/proxy/stream': // two events 300 ms apart, as an SSE stream would send them
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write('data: first\n\n');
      setTimeout(() => res.end('data: second\n\n'), 300);
      return;
    case '/proxy/upload': {
      const h = createHash('sha256');
      let bytes = 0;
      req.on('data', (c: Buffer) => { bytes += c.length; h.update(c); });
      req.on('end', () => json(res, { bytes, sha256: h.digest('hex'), method: req.method }));
      return;
    }
    default:
      json(res, { ok: true, path: url.pathname });
  }
});
// A WebSocket-like upgrade: 101, then every byte echoed back.
server.on('upgrade', (_req, socket, head) => {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: echo\r\nconnection: Upgrade\r\n\r\n');
  if (head.length) socket.write(head);
  socket.pipe(socket);
});
server.listen(0, '127.0.0.1', () => process.send?.({ listening: (server.address() as AddressInfo).port }));
