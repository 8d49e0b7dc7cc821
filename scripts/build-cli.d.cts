/** Types of scripts/build-cli.cjs. */
export declare function cliBundle(root: string): string;
export declare function cliIsStale(root: string): boolean;
export declare function buildCli(root: string): Promise<string>;
