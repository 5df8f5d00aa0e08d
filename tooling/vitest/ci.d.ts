export declare const MUST_RUN_IN_CI: '[must run in CI]';
export declare function isCI(env?: NodeJS.ProcessEnv): boolean;
export declare function skipUnlessAvailable(requirement: { suite: string; needs: string; available: boolean; fix: string; detail?: string }): boolean;
