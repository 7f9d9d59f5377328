// Next.js configuration for the control plane.
/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets several builds (e.g. e2e runs on different ports) live side by side.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // API paths must answer exactly what was asked: never redirect /x/ → /x (upstream CLI treats 3xx as errors).
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
  reactStrictMode: true,
  // Node-only packages loaded at runtime from node_modules instead of being bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'oidc-provider', 'pino', 'pino-pretty', 'thread-stream', 'drizzle-orm', 'fastify', 'prom-client', 'yaml', 'ignore'],
  // Type errors fail the build (Next checks the app's types) as well as `npm test` (tsc over the whole repo,
  // tenant/ and cli/ included): a build that does not type-check is not shipped.
  // Without this, every build with another distDir (.next-4300, .next-5300…) rewrites the shared
  // tsconfig.json to include `<distDir>/types/**/*.ts`.
  experimental: { strictRouteTypes: true },
  async headers() {
    return [{
      source: '/:path*',
      headers: [
        { key: 'X-Content-Type-Options', value: 'nosniff' },
        { key: 'Referrer-Policy', value: 'same-origin' },
        { key: 'X-Frame-Options', value: 'DENY' },
      ],
    }];
  },
};

export default nextConfig;
