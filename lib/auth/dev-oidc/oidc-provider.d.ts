// oidc-provider 9 ships no type declarations; the development provider only needs loose ones.
declare module 'oidc-provider' {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  export type Configuration = Record<string, any>;
  export type KoaContextWithOIDC = any;
  export const interactionPolicy: any;
  const Provider: any;
  export default Provider;
}
