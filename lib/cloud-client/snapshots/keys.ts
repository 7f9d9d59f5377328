// react-query keys of snapshots (the pages render the list on the server; writes invalidate `all`).
export const snapshotKeys = {
  all: ['snapshots'] as const,
};
