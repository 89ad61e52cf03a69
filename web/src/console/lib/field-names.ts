/**
 * The names coordinators know form fields by, for an API field path: `arms.0.label` → "Arm 1
 * label", `protocol.timepoints.1.sendAt` → "Timepoint 2 send time". The API's message follows
 * the name ("is required"), so a problem reads as a sentence next to its field.
 */
const top: Record<string, string> = {
  id: 'Study id',
  name: 'Study name',
  timezone: 'Time zone',
  email: 'Email',
  arm: 'Arm',
  code: 'Participant code',
  enrolledOn: 'Enrolment date',
  language: 'Language',
  reason: 'Reason',
  arms: 'Arms',
  contacts: 'Contacts',
  'sender.name': 'Sender name',
  'sender.email': 'Sender address',
  'support.en': 'Support text (English)',
  'support.fr': 'Support text (French)',
  support: 'Support text',
  protocol: 'Protocol',
  'protocol.timepoints': 'Timepoints',
};

const timepointFields: Record<string, string> = {
  id: 'id',
  label: 'label',
  anchor: 'anchor',
  offsetDays: 'day offset',
  sendAt: 'send time',
  'window.opensDaysBefore': 'window opening (days before)',
  'window.closesDaysAfter': 'window closing (days after)',
  window: 'window',
  reminders: 'reminders',
  instruments: 'battery',
  arms: 'arms',
};

export function fieldName(field: string): string {
  if (top[field]) return top[field];
  const row = /^(arms|contacts)\.(\d+)\.(\w+)$/.exec(field);
  if (row) return `${row[1] === 'arms' ? 'Arm' : 'Contact'} ${Number(row[2]) + 1} ${row[3]}`;
  const tp = /^(?:protocol\.)?timepoints\.(\d+)(?:\.(.+))?$/.exec(field);
  if (tp) {
    const inner = tp[2]?.replace(/\.\d+$/, '');
    return `Timepoint ${Number(tp[1]) + 1}${inner ? ` ${timepointFields[inner] ?? inner}` : ''}`;
  }
  return field;
}

/** "arms.0.label" + "is required" → "Arm 1 label is required"; a message that is a sentence of its own follows a colon. */
export function problemSentence(field: string, message: string): string {
  const name = fieldName(field);
  const bare = message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  const joined = /^[a-z]/.test(bare) && /^(is|are|must|may|needs|has|can|does|anchors|should|would)\b/.test(bare) ? `${name} ${bare}` : `${name}: ${bare}`;
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}
