// react-query keys of app passwords (WebDAV/rclone credentials).
export const appPasswordKeys = {
  all: ['app-passwords'] as const,
  list: () => [...appPasswordKeys.all, 'list'] as const,
};
