export declare function clusterToolPaths(env?: NodeJS.ProcessEnv): { dir: string; server: string; sqlTool: string; schema: string };
export declare function findPostgresBin(env?: NodeJS.ProcessEnv): string | null;
export declare function ensureClusterTools(context: unknown): Promise<void>;
export declare function uiServerPath(env?: NodeJS.ProcessEnv): string;
export declare function uiServerMissing(env?: NodeJS.ProcessEnv): string | null;
