import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { TableDefinition } from '../../functions/adapters/dynamodb/table-definitions';

/** A DynamoDB table built from the same definition the local emulator uses (no physical name: CDK generates it). */
export function tableFromDefinition(scope: Construct, definition: TableDefinition, options: { key: IKey; deletionProtection: boolean }): TableV2 {
  return new TableV2(scope, definition.id, {
    partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
    sortKey: { name: definition.sortKey, type: AttributeType.STRING },
    globalSecondaryIndexes: definition.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    })),
    billing: Billing.onDemand(),
    encryption: TableEncryptionV2.customerManagedKey(options.key),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: options.deletionProtection,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
  });
}
