export declare const TEMPORAL_CLI_VERSION: string;
export declare function cacheRoot(env?: NodeJS.ProcessEnv): string;
export declare function cachedTemporalCliPath(env?: NodeJS.ProcessEnv): string;
export declare function temporalCliPath(env?: NodeJS.ProcessEnv): string;
export declare const TEMPORAL_SERVER_VERSION: string;
export declare const POSTGRES_MAJOR: number;
export declare function cachedTemporalServerDir(env?: NodeJS.ProcessEnv): string;
export declare const TEMPORAL_UI_VERSION: string;
export declare function cachedTemporalUiDir(env?: NodeJS.ProcessEnv): string;
