import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { contactsTable, researchTable } from '../../functions/adapters/dynamodb/table-definitions';
import { tableFromDefinition } from './table-from-definition';

export interface StatefulStackProps extends StackProps {
  /** Turn on deletion protection (production). */
  deletionProtection: boolean;
}

/**
 * What must outlive any deployment: the research and contact tables, each encrypted with its
 * own customer-managed key (so contact details can be locked down or destroyed on their own),
 * point-in-time recovery on, retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly research: TableV2;
  readonly contacts: TableV2;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const researchKey = new Key(this, 'ResearchKey', {
      description: 'Timepoint research data (pseudonymous)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const contactsKey = new Key(this, 'ContactsKey', {
      description: 'Timepoint participant contact details (PII)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.research = tableFromDefinition(this, researchTable, { key: researchKey, deletionProtection: props.deletionProtection });
    this.contacts = tableFromDefinition(this, contactsTable, { key: contactsKey, deletionProtection: props.deletionProtection });
  }
}
