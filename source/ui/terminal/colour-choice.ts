/**
 * NO_COLOR (https://no-color.org): set and not empty, the UI draws without
 * colour. Ink colours through chalk, which honours FORCE_COLOR=0 but not
 * NO_COLOR, and decides once, as it is loaded: so this runs before Ink is.
 * An explicit FORCE_COLOR wins, as chalk's own documentation says.
 */
export function applyColourChoice(env: NodeJS.ProcessEnv): void {
  if (env.NO_COLOR && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '0';
}

/**
 * React's development build checks every render at a cost a user should not
 * pay; it is chosen when React is first loaded (the bundled CLI fixes it at
 * build time). NODE_ENV=development still gets it from the sources.
 */
export function preferProductionReact(env: NodeJS.ProcessEnv): void {
  env.NODE_ENV ??= 'production';
}
