// How a search row names its project, and an FTS query confined to one project. The token starts with a private-use
// character: unicode61 keeps it inside the token and toFtsQuery never passes one, so no user word (or prefix) can
// match a project token, and the user's words need no column filter (which costs FTS5 a position check per hit).
export const projectToken = (projectId: number): string => `\uE000${projectId}`;

/** `fts` (from toFtsQuery) as a MATCH over one project's rows. */
export const projectMatch = (projectId: number, fts: string): string => `project : "${projectToken(projectId)}" AND (${fts})`;

/** bm25 with upstream's column weights (title ×10, text ×1, permalink ×2); the project column counts for nothing. */
export const BM25 = 'bm25(search, 10.0, 1.0, 2.0, 0.0)';
