/** The plugins `npm run pack` packs, and the packages each loads from its own node_modules instead of its bundle. */
export declare const PLUGINS: Readonly<Record<string, { readonly external: readonly string[] }>>;
