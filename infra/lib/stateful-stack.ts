import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { contactsTable, researchTable } from '../../functions/adapters/dynamodb/table-definitions';
import { tableFromDefinition } from './table-from-definition';

export interface StatefulStackProps extends StackProps {
  /**
   * Deletion protection on both tables. On by default in every stage: a trial's data is not
   * recreatable, and a `cdk destroy` of a dev stage should not be able to reach a table either
   * (turn it off on the table first, on purpose).
   * @default true
   */
  deletionProtection?: boolean;
}

/**
 * What must outlive any deployment: the research and contact tables, each encrypted with its
 * own customer-managed key (so contact details can be locked down or destroyed on their own),
 * point-in-time recovery on, deletion protection on, retained when the stack is deleted, and
 * in an AWS Backup plan whose copies outlast PITR's 35-day window.
 */
export class StatefulStack extends Stack {
  readonly research: TableV2;
  readonly contacts: TableV2;
  readonly backupVault: BackupVault;
  /** Seals the allocation state (future allocations) at rest: docs/randomisation.md. */
  readonly allocationKey: IKey;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    const deletionProtection = props.deletionProtection ?? true;
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
    this.research = tableFromDefinition(this, researchTable, { key: researchKey, deletionProtection });
    // Its own key, apart from the table's: reading the table (or restoring a backup) is not enough to read the
    // allocation sequence; every use of this key is in CloudTrail with the study and slot it was for.
    this.allocationKey = new Key(this, 'AllocationKey', {
      description: 'Timepoint allocation sequences (sealed randomisation state)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.contacts = tableFromDefinition(this, contactsTable, { key: contactsKey, deletionProtection });

    // PITR restores to any second of the last 35 days; a trial runs for months, so daily (35 days)
    // and monthly (a year) backups are kept in a vault under its own key, retained with the stack.
    const backupKey = new Key(this, 'BackupKey', {
      description: 'Timepoint backup vault',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.backupVault = new BackupVault(this, 'BackupVault', { encryptionKey: backupKey, removalPolicy: RemovalPolicy.RETAIN });
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupVault: this.backupVault,
      backupPlanRules: [
        new BackupPlanRule({ ruleName: 'Daily', scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }), deleteAfter: Duration.days(35) }),
        new BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: Schedule.cron({ day: '1', hour: '3', minute: '0' }),
          // A year, not the archive period: backups of the contacts table hold PII, and an erased
          // participant must age out of them. Longer retention is the study's decision (docs/operations.md).
          deleteAfter: Duration.days(365),
        }),
      ],
    });
    plan.addSelection('Tables', {
      resources: [BackupResource.fromArn(this.research.tableArn), BackupResource.fromArn(this.contacts.tableArn)],
    });

    // What `npx timepoint staff|dispatch|export --deployment cdk-outputs.json` needs to reach the tables.
    new CfnOutput(this, 'ResearchTable', { value: this.research.tableName, description: 'RESEARCH_TABLE for the command line' });
    new CfnOutput(this, 'ContactsTable', { value: this.contacts.tableName, description: 'CONTACTS_TABLE for the command line' });
    new CfnOutput(this, 'Region', { value: this.region, description: 'AWS_REGION for the command line' });
  }
}
