/** Types for openclaw-host.mjs (plain JS so it runs before `npm install`; the TypeScript tests import it). */
export declare const OPENCLAW_VERSION: string;
export declare const HOST_NODE_VERSION: string;
export declare const HOST_NODE_PACKAGE: string;

/** Where the parts of a prepared OpenClaw host folder are. */
export interface OpenClawHostLayout {
  dir: string;
  nodeBin: string;
  openclawDir: string;
}

export declare class OpenClawHostError extends Error {
  readonly dir: string;
  readonly logFile: string | undefined;
  constructor(message: string, context: { dir: string; logFile?: string });
}

export declare function hostLayout(dir: string): OpenClawHostLayout;
export declare function defaultHostDir(env?: NodeJS.ProcessEnv): string;
export declare function ensureOpenClawHost(options?: { log?: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<OpenClawHostLayout>;
