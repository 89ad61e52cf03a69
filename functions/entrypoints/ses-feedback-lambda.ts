import { loadConfig } from '../config';
import { buildDependencies } from '../dependencies';
import { recordDeliveryFeedback } from '../use-cases/record-delivery-feedback';

const deps = buildDependencies(loadConfig(process.env));

interface SnsEvent {
  Records: Array<{ Sns: { Message: string } }>;
}

/** SES → SNS → this Lambda: delivery, bounce and complaint events into the message ledger. */
export const handler = async (event: SnsEvent) => {
  const outcomes: string[] = [];
  for (const record of event.Records) {
    let notification: unknown;
    try {
      notification = JSON.parse(record.Sns.Message);
    } catch {
      outcomes.push('ignored');
      continue;
    }
    outcomes.push(await recordDeliveryFeedback(deps, notification));
  }
  console.log(JSON.stringify({ level: 'info', msg: 'ses feedback', outcomes }));
  return { outcomes };
};
