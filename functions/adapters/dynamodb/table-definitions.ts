/**
 * The tables, described once. The CDK stateful stack and the local emulator both build their
 * tables from these definitions, so a key or index can't exist in one place and not the other.
 * Plain data: no SDK or CDK types, so both sides can read it.
 */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableDefinition {
  /** Logical id (CDK) and the suffix of the local table name. */
  id: 'Research' | 'Contacts';
  partitionKey: string;
  sortKey: string;
  /** Global secondary indexes; all string keys, projecting all attributes. */
  indexes: IndexDefinition[];
  /** The attribute holding an epoch-seconds expiry, when items may expire. */
  timeToLiveAttribute?: string;
}

/** Research data: studies, participants (pseudonymous), instances, messages, staff, audit. */
export const researchTable: TableDefinition = {
  id: 'Research',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: 'due', partitionKey: 'duePk', sortKey: 'dueSk' }],
  timeToLiveAttribute: 'expiresAtEpoch',
};

/** Contact details (PII), kept apart from research data so they can be secured and erased on their own. */
export const contactsTable: TableDefinition = {
  id: 'Contacts',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [],
  // Self-enrolment requests (an address awaiting verification) expire a day after they were made.
  timeToLiveAttribute: 'expiresAtEpoch',
};

export const tableDefinitions = [researchTable, contactsTable] as const;
