/** The oldest Node.js the project runs on, from package.json's `engines`. */
export declare const minimumNode: string;
/** Why this Node.js cannot run Timepoint, in one line; null when it can. */
export declare function nodeVersionProblem(version: string, minimum?: string): string | null;
