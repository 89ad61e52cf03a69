import { dateTime } from '../../lib/format';
import type { Timeline } from '../../lib/types';

/** Contact details (PII, coordinators only) and whether mail can reach them. */
export function ContactCard({ contact, erasedAt }: { contact: Timeline['contact']; erasedAt?: string | undefined }) {
  return (
    <section className="card" aria-labelledby="contact-heading">
      <h2 id="contact-heading">Contact</h2>
      {contact === null ? (
        <p>{erasedAt ? `Erased at the participant's request on ${dateTime(erasedAt)}: no email is sent to them.` : 'No contact details on record.'}</p>
      ) : (
        <dl className="facts">
          <dt>Email</dt>
          <dd>{contact.email}</dd>
          <dt>Delivery</dt>
          <dd>
            {contact.suppressed ? (
              <strong className="text-bad">
                Suppressed since {dateTime(contact.suppressed.at)}: {contact.suppressed.reason}
              </strong>
            ) : (
              'Not suppressed'
            )}
          </dd>
          <dt>Subscription</dt>
          <dd>{contact.unsubscribedAt ? <strong className="text-bad">Unsubscribed on {dateTime(contact.unsubscribedAt)}</strong> : 'Subscribed to study emails'}</dd>
        </dl>
      )}
    </section>
  );
}
