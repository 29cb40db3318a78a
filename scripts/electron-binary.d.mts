/** Types of electron-binary.mjs (for tests). */
export type ElectronBinary = { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };
export function findElectronBinary(root: string, env?: NodeJS.ProcessEnv): ElectronBinary;
export function hasDisplay(platform?: NodeJS.Platform | string, env?: NodeJS.ProcessEnv): boolean;
