import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationsProps {
  /**
   * Customer-managed key for the alarm topic and the dead-letter queues. A failed event can carry
   * a participant code or an SES notification naming an address, so neither is left on an AWS-owned key.
   */
  key: IKey;
  /** Where alarms are emailed (context `alarmEmail`); unset, the topic has no subscriber until one is added. */
  alarmEmail?: string;
}

/** The options of one alarm; every alarm notifies the operations topic. */
export interface AlarmOptions {
  /** What it means and what to do first (shown in the notification); see docs/operations.md. */
  description: string;
  threshold: number;
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  comparisonOperator?: ComparisonOperator;
  /** @default 1 */
  evaluationPeriods?: number;
  /** @default NOT_BREACHING: no data means nothing happened (no errors, no messages) */
  treatMissingData?: TreatMissingData;
}

/** Dead-letter queues keep failed events for 14 days, SQS's maximum: time to notice, fix and redrive. */
export const deadLetterRetention = Duration.days(14);

/**
 * The operations side of the stack: one encrypted SNS topic that every alarm notifies, the
 * dead-letter queues (each with its own "messages waiting" alarm), and per-function alarms.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly key: IKey;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.key = props.key;
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'Timepoint alarms', masterKey: props.key, enforceSSL: true });
    // CloudWatch publishes alarm notifications to the encrypted topic, so it must be able to use the key.
    props.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /** An alarm on `metric` that notifies the topic. */
  alarm(id: string, metric: IMetric, options: AlarmOptions): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: options.description,
      threshold: options.threshold,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /**
   * An encrypted, TLS-only dead-letter queue with 14 days' retention, and an alarm as soon as one
   * message waits in it (a dead letter is an event the platform did not handle: never routine).
   */
  deadLetterQueue(id: string, what: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: deadLetterRetention,
    });
    this.alarm(`${id}Messages`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), {
      description: `${what} failed and was parked in its dead-letter queue. Read the message, fix the cause, then redrive it (docs/operations.md).`,
      threshold: 1,
    });
    return queue;
  }

  /** Errors and throttles of one function, each alarming on the first occurrence in 5 minutes. */
  functionAlarms(id: string, fn: IFunction, name: string): void {
    const period = Duration.minutes(5);
    this.alarm(`${id}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), {
      description: `The ${name} Lambda failed (an uncaught error or a timeout). Its log group has the stack trace (docs/operations.md).`,
      threshold: 1,
    });
    this.alarm(`${id}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), {
      description: `The ${name} Lambda was throttled: the account's concurrency is exhausted (docs/operations.md).`,
      threshold: 1,
    });
  }
}
