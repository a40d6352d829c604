export declare const GUARDED: unique symbol;
/** True for destinations tests may reach: loopback addresses, `localhost` and `*.localhost`. */
export declare function isLoopbackDestination(host: string | undefined): boolean;
/** The violations since the last call (the setup file fails the test that caused them). */
export declare function takeViolations(): string[];
export declare function installLoopbackGuard(): void;
