import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../scripts/local/dynamodb-local';
import { startEmulators } from '../../scripts/local/emulators';

/**
 * The conformance variant of emulators-global-setup: the same tests, but DynamoDB is AWS's own
 * DynamoDB Local (Java) instead of dynalite. SES stays aws-ses-v2-local. startEmulators also
 * starts a dynalite that nothing talks to (it costs milliseconds); reusing it keeps one SES
 * bootstrap for every run.
 */
export default async function setup(project: TestProject) {
  const [dynamoDbLocal, emulators] = await Promise.all([startDynamoDbLocal(), startEmulators({ dynamoPort: 0, sesPort: 0 })]);
  project.provide('dynamoEndpoint', dynamoDbLocal.endpoint);
  project.provide('sesEndpoint', emulators.sesEndpoint);
  project.provide('dynamoStore', 'DynamoDB Local');
  return async () => {
    await Promise.all([dynamoDbLocal.stop(), emulators.stop()]);
  };
}
