// Markdown → HTML for the note view, on the server, with markdown-it (CommonMark) configured so no
// user-written HTML or script can run: `html: false` escapes every raw HTML tag and block, and
// markdown-it's own link check refuses `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs
// in links and images. `[[wiki links]]` become links inside the app (a rule of ours, below), or a
// marked span when they resolve to nothing. Everything else is markdown-it's ordinary escaping.
import MarkdownIt from 'markdown-it';
import type { StateInline } from 'markdown-it';
import type { LinkTarget } from './link-index.ts';

export interface WikiLinkEnv {
  resolve(target: string): LinkTarget | null;
  /** In-app URL of a resolved file. */
  href(target: LinkTarget): string;
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });

function wikiLinkRule(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x5b || src.charCodeAt(start + 1) !== 0x5b) return false;
  const close = src.indexOf(']]', start + 2);
  if (close < 0) return false;
  const inner = src.slice(start + 2, close);
  if (!inner.trim() || inner.includes('\n') || inner.includes('[[') || inner.length > 500) return false;
  if (!silent) {
    const bar = inner.indexOf('|');
    const target = (bar >= 0 ? inner.slice(0, bar) : inner).trim();
    const label = (bar >= 0 ? inner.slice(bar + 1) : inner).trim() || target;
    const env = state.env as { wiki?: WikiLinkEnv };
    const hit = env.wiki?.resolve(target) ?? null;
    if (hit) {
      const open = state.push('link_open', 'a', 1);
      open.attrs = [['href', env.wiki!.href(hit)], ['class', 'wikilink'], ['data-wikilink', target]];
      const t = state.push('text', '', 0);
      t.content = label;
      state.push('link_close', 'a', -1);
    } else {
      const open = state.push('wikilink_unresolved_open', 'span', 1);
      open.attrs = [['class', 'wikilink-unresolved'], ['title', `No note named “${target}” yet`], ['data-wikilink', target]];
      const t = state.push('text', '', 0);
      t.content = label;
      state.push('wikilink_unresolved_close', 'span', -1);
    }
  }
  state.pos = close + 2;
  return true;
}

md.inline.ruler.before('link', 'wikilink', wikiLinkRule);
md.renderer.rules.wikilink_unresolved_open = (tokens, idx) => {
  const attrs = tokens[idx]!.attrs!.map(([k, v]) => ` ${k}="${md.utils.escapeHtml(String(v))}"`).join('');
  return `<span${attrs}>`;
};
md.renderer.rules.wikilink_unresolved_close = () => '<span class="sr-only"> (unresolved link)</span></span>';

// External links open safely; in-app links stay in the tab.
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!;
  const href = String(t.attrGet('href') ?? '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
    t.attrSet('rel', 'noopener noreferrer nofollow');
    t.attrSet('target', '_blank');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Renders a note's body (frontmatter already removed) to safe HTML. */
export function renderMarkdown(body: string, wiki: WikiLinkEnv): string {
  return md.render(body, { wiki });
}
