// react-query keys of the caller's tenant.
export const tenantKeys = {
  all: ['tenant'] as const,
  mine: () => [...tenantKeys.all, 'mine'] as const,
};
