/**
 * The SDK's workflow bundler compiles TypeScript only outside node_modules. Installed as a package
 * (`npx openclaw-temporal worker`, the Docker image built from the packed package), our workflows live in
 * node_modules: this webpack hook lets the TypeScript rule compile this package's own files wherever it is installed.
 */
import type { BundleOptions } from '@temporalio/worker';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

const PACKAGE_ROOT = new URL('..', import.meta.url).pathname;

/** True for a file webpack must not compile: under node_modules and not part of this package. */
export function isForeignDependency(path: string): boolean {
  return path.includes('/node_modules/') && !path.startsWith(PACKAGE_ROOT);
}

/** `webpackConfigHook` for bundleWorkflowCode: the `.ts` rule excludes foreign dependencies only. */
export function compileOwnTypeScript(config: WebpackConfig): WebpackConfig {
  for (const rule of config.module?.rules ?? []) {
    if (typeof rule === 'object' && rule !== null && String(rule.test) === String(/\.ts$/)) rule.exclude = isForeignDependency;
  }
  return config;
}
