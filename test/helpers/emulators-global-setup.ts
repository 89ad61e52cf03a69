import type { TestProject } from 'vitest/node';
import { startEmulators } from '../../scripts/local/emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
    /** Which DynamoDB implementation answers at `dynamoEndpoint` (named in the conformance suite's results). */
    dynamoStore: string;
  }
}

/** One in-memory dynalite and one aws-ses-v2-local for the whole run; each test file makes its own tables. */
export default async function setup(project: TestProject) {
  const emulators = await startEmulators({ dynamoPort: 0, sesPort: 0 });
  project.provide('dynamoEndpoint', emulators.dynamoEndpoint);
  project.provide('sesEndpoint', emulators.sesEndpoint);
  project.provide('dynamoStore', 'dynalite');
  return () => emulators.stop();
}
