/** Placeholder entry; replaced as the package is built. */
export const packageName = '@makemac/runtime';
