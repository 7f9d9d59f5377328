'use client';

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: '3rem 1rem', textAlign: 'center' }}>
        <h1>Something went wrong</h1>
        <p>Please try again. Reference: <code>{error.digest ?? 'n/a'}</code></p>
        <button type="button" onClick={reset}>Try again</button>
      </body>
    </html>
  );
}
