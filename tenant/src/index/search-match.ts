// How a search row names its project, and an FTS query confined to one project: the project's token must match in the
// project column and the user's words in the other three, so a word like "p7" never matches a project token.
export const projectToken = (projectId: number): string => `p${projectId}`;

/** `fts` (from toFtsQuery) as a MATCH over one project's rows. */
export const projectMatch = (projectId: number, fts: string): string =>
  `project : ${projectToken(projectId)} AND {title content permalink} : (${fts})`;

/** bm25 with upstream's column weights (title ×10, text ×1, permalink ×2); the project column counts for nothing. */
export const BM25 = 'bm25(search, 10.0, 1.0, 2.0, 0.0)';
