// HTML of the development provider's pages (self-contained, no scripts).
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f8fafc;color:#0f172a}
.banner{background:#fffbeb;border-bottom:1px solid #fde68a;color:#78350f;padding:8px 16px;text-align:center;font-size:14px}
main{max-width:400px;margin:48px auto;padding:0 16px}.card{background:#fff;border:1px solid #e2e8f0;border-radius:12px;padding:28px;box-shadow:0 1px 2px rgba(0,0,0,.05)}
h1{font-size:20px;margin:0 0 6px}p{color:#475569;font-size:14px;line-height:1.5}label{display:block;font-size:14px;font-weight:600;margin:16px 0 6px}
input[type=email],input[type=text]{width:100%;padding:10px 12px;border:1px solid #cbd5e1;border-radius:8px;font-size:16px}
.check{display:flex;gap:8px;align-items:center;font-weight:400;margin-top:14px}
.row{display:flex;gap:12px;margin-top:22px;flex-wrap:wrap}button{border:0;border-radius:8px;padding:10px 16px;font-size:14px;font-weight:600;cursor:pointer}
.primary{background:#2563eb;color:#fff}.secondary{background:#fff;color:#334155;box-shadow:inset 0 0 0 1px #cbd5e1}.err{background:#fff1f2;color:#9f1239;padding:8px 12px;border-radius:8px;font-size:14px}
.tag{display:inline-block;background:#fef3c7;color:#92400e;font-size:12px;font-weight:600;border-radius:999px;padding:2px 10px;margin-bottom:10px}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)} · Development sign-in</title><style>${STYLE}</style></head>
<body><div class="banner"><strong>Development sign-in.</strong> This provider signs in any email without a password. Never use it in production.</div><main>${body}</main></body></html>`;
}

export function renderLoginPage(o: { uid: string; appUrl: string; loginHint?: string; error?: string }): string {
  const action = `/interaction/${encodeURIComponent(o.uid)}`;
  return layout('Sign in', `<div class="card"><span class="tag">Development sign-in</span><h1>Sign in to Basic Memory Cloud</h1>
<p>Enter any email address. The same email always signs in as the same person.</p>
${o.error ? `<p class="err" role="alert">${esc(o.error)}</p>` : ''}
<form method="post" action="${action}/login">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required autofocus value="${esc(o.loginHint ?? '')}">
<label for="name">Name <span style="font-weight:400;color:#64748b">(optional)</span></label><input id="name" name="name" type="text" autocomplete="name">
<label class="check"><input id="verified" name="verified" type="checkbox" checked> Email verified</label>
<div class="row"><button class="primary" type="submit">Sign in</button><button class="secondary" type="submit" formaction="${action}/abort" formnovalidate>Cancel</button></div>
</form></div>`);
}

export function renderMessagePage(title: string, message: string, backUrl?: string): string {
  return layout(title, `<div class="card"><span class="tag">Development sign-in</span><h1>${esc(title)}</h1><p>${esc(message)}</p>${backUrl ? `<p><a href="${esc(backUrl)}">Back to the app</a></p>` : ''}</div>`);
}
