/** The shape of a generated target's index, as the tests use it (the generated module is imported dynamically). */
import type { CommandInfo, TargetBinding } from '../../runtime/index.js';

export declare const target: TargetBinding;
export declare const commandInfo: Readonly<Record<string, CommandInfo>>;
export declare const eventNames: readonly string[];
export declare const QmpClient: { connect: (...args: unknown[]) => Promise<unknown> };
