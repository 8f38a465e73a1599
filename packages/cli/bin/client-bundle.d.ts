export declare const CLIENT_COMMANDS: string[];
export declare const BUNDLE: string;
export declare const BUNDLE_INPUTS: string;
export declare function clientBundleIsCurrent(): boolean;
