/** The participant page's own wording, in the languages participants can be enrolled in. */
export type PageLanguage = 'en' | 'fr';

/** The locale dates are written in (matches the server's emails). */
const localeOf: Record<PageLanguage, string> = { en: 'en-GB', fr: 'fr-FR' };

export interface PageStrings {
  loading: string;
  loadingForm: string;
  contact: (name: string) => string;
  contactSuffix: string;
  closesOn: (when: string) => string;
  questionnaires: (count: number) => string;
  progress: (questionnaire: number, questionnaires: number, page: number, pages: number) => string;
  submit: string;
  savedHint: string;
  status: { saving: string; saved: string; offline: string; retrying: string; sendingQueued: string };
  submitFailed: string;
  notFound: { title: string; body: string };
  /** A link replaced by a newer one (an email correction, a resend) or closed (a withdrawal, an erasure). */
  revoked: { title: string; body: (study: string) => string };
  tooMany: { title: string; body: (minutes: number | null) => string };
  network: { title: string; body: string; keptHere: string; retry: string };
  notYetOpen: { title: string; body: (label: string, opensOn: string) => string };
  completed: { title: string; body: (label: string, study: string) => string };
  submitted: { title: string; body: (label: string, study: string) => string };
  queued: { title: string; body: string };
  expired: { title: string; body: (label: string) => string };
  withdrawn: { title: string; body: string };
  textMissing: { title: string; body: string };
  /** Questionnaires shown in English because no translation ships (their names). */
  untranslated: (names: string[]) => string;
  /** Above the support text after an urgent answer. */
  support: { heading: string };
  unsubscribe: {
    loading: string;
    notFound: { title: string; body: string };
    failed: { title: string; body: string };
    revoked: { title: string; body: (study: string) => string };
    done: { title: string; body: (study: string) => string };
    ask: { title: string; body: (study: string) => string; button: string };
  };
  formatDate: (iso: string) => string;
}

const dateFormatter = (language: PageLanguage) => (iso: string) =>
  new Intl.DateTimeFormat(localeOf[language], { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));

const en: PageStrings = {
  loading: 'Loading your questionnaires…',
  loadingForm: 'Preparing the questionnaires…',
  contact: (name) => `Questions? Contact ${name} at `,
  contactSuffix: '.',
  closesOn: (when) => `Please complete them by ${when}.`,
  questionnaires: (count) => `${count} questionnaire${count === 1 ? '' : 's'}`,
  progress: (q, qs, p, ps) => `Questionnaire ${q} of ${qs} · page ${p} of ${ps}`,
  submit: 'Submit my answers',
  savedHint: 'Your answers are saved as you go: you can close this page and come back to the link later.',
  status: {
    saving: 'Saving…',
    saved: 'Saved',
    offline: 'Offline – your answers are kept on this device and will be sent when you are back online',
    retrying: 'Could not save – retrying',
    sendingQueued: 'Offline – your answers are kept on this device and will be sent when you are back online',
  },
  submitFailed: 'We could not send your answers just now. They are still here: please try again.',
  notFound: {
    title: 'This link is not valid',
    body: 'Please check that you copied the whole link from your email. If it still does not work, contact the study team.',
  },
  revoked: {
    title: 'This link no longer works',
    body: (study) =>
      `This link${study ? ` from ${study}` : ''} has been replaced by a newer one, or closed. If you are still taking part, please use the link in the most recent email from the study team, or contact them.`,
  },
  tooMany: {
    title: 'Too many attempts',
    body: (minutes) =>
      `Too many links that do not work were opened from your connection, so links are paused for a while. Please try again${minutes ? ` in ${minutes} minute${minutes === 1 ? '' : 's'}` : ' later'}.`,
  },
  network: {
    title: 'We could not load your questionnaires',
    body: 'Please check your internet connection, then try again.',
    keptHere: 'Answers you gave on this device are kept here and will be sent once the page loads again.',
    retry: 'Try again',
  },
  notYetOpen: {
    title: 'Not open yet',
    body: (label, opensOn) => `Your ${label} questionnaires are not open yet: they open on ${opensOn}. We will email you then, and the same link will work.`,
  },
  completed: {
    title: 'Thank you',
    body: (label, study) => `Your ${label} questionnaires for ${study} are complete. There is nothing more to do: you can close this page.`,
  },
  submitted: {
    title: 'Thank you',
    body: (label, study) => `Your ${label} answers for ${study} have been sent. You can close this page.`,
  },
  queued: {
    title: 'Your answers will be sent when you are back online',
    body: 'You are offline. Your answers are kept on this device and will be sent as soon as the connection returns. Please keep this page open until you see the thank-you page.',
  },
  expired: {
    title: 'These questionnaires have closed',
    body: (label) => `The time to complete your ${label} questionnaires has passed, so they can no longer be answered.`,
  },
  withdrawn: {
    title: 'Your participation has ended',
    body: 'There is nothing more to complete. Thank you for your time.',
  },
  textMissing: {
    title: 'These questionnaires are not ready yet',
    body: 'Some questionnaires in this study are licensed, and their wording has not been installed on this site yet, so they cannot be shown. The study team has to install it. Nothing is lost: please come back to this link later.',
  },
  untranslated: (names) =>
    names.length === 1 ? `The questionnaire ${names[0]} is shown in English: it is not available in your language.` : `These questionnaires are shown in English: ${names.join(', ')}. They are not available in your language.`,
  support: { heading: 'If you need help now' },
  unsubscribe: {
    loading: 'Loading…',
    notFound: { title: 'This link is not valid', body: 'Please check that you copied the whole link from your email.' },
    failed: { title: 'Something went wrong', body: 'Please check your connection and reload this page.' },
    revoked: {
      title: 'This link no longer works',
      body: (study) => `This link${study ? ` from ${study}` : ''} has been replaced by a newer one, or closed. To stop the emails, use the link at the bottom of the most recent one.`,
    },
    done: {
      title: 'You will get no more emails from this study',
      body: (study) => `${study} will not email you again. Questionnaires you have already been sent stay open: you can still use their links.`,
    },
    ask: {
      title: 'Stop emails from this study?',
      body: (study) => `You will no longer receive invitations or reminders from ${study}. This does not withdraw you from the study.`,
      button: 'Stop the emails',
    },
  },
  formatDate: dateFormatter('en'),
};

const fr: PageStrings = {
  loading: 'Chargement de vos questionnaires…',
  loadingForm: 'Préparation des questionnaires…',
  contact: (name) => `Une question ? Contactez ${name} à l’adresse `,
  contactSuffix: '.',
  closesOn: (when) => `Merci de les remplir avant le ${when}.`,
  questionnaires: (count) => `${count} questionnaire${count === 1 ? '' : 's'}`,
  progress: (q, qs, p, ps) => `Questionnaire ${q} sur ${qs} · page ${p} sur ${ps}`,
  submit: 'Envoyer mes réponses',
  savedHint: 'Vos réponses sont enregistrées au fur et à mesure : vous pouvez fermer cette page et revenir au lien plus tard.',
  status: {
    saving: 'Enregistrement…',
    saved: 'Enregistré',
    offline: 'Hors ligne – vos réponses sont gardées sur cet appareil et seront envoyées dès le retour de la connexion',
    retrying: 'Enregistrement impossible – nouvelle tentative',
    sendingQueued: 'Hors ligne – vos réponses sont gardées sur cet appareil et seront envoyées dès le retour de la connexion',
  },
  submitFailed: 'Vos réponses n’ont pas pu être envoyées pour l’instant. Elles sont toujours là : veuillez réessayer.',
  notFound: {
    title: 'Ce lien n’est pas valide',
    body: 'Vérifiez que vous avez copié le lien entier depuis votre e-mail. S’il ne fonctionne toujours pas, contactez l’équipe de l’étude.',
  },
  revoked: {
    title: 'Ce lien ne fonctionne plus',
    body: (study) =>
      `Ce lien${study ? ` de ${study}` : ''} a été remplacé par un lien plus récent, ou fermé. Si vous participez toujours, utilisez le lien du message le plus récent de l’équipe de l’étude, ou contactez-la.`,
  },
  tooMany: {
    title: 'Trop de tentatives',
    body: (minutes) =>
      `Trop de liens non valides ont été ouverts depuis votre connexion : les liens sont suspendus un moment. Veuillez réessayer${minutes ? ` dans ${minutes} minute${minutes === 1 ? '' : 's'}` : ' plus tard'}.`,
  },
  network: {
    title: 'Impossible de charger vos questionnaires',
    body: 'Vérifiez votre connexion internet, puis réessayez.',
    keptHere: 'Les réponses données sur cet appareil y sont gardées et seront envoyées quand la page se chargera de nouveau.',
    retry: 'Réessayer',
  },
  notYetOpen: {
    title: 'Pas encore ouvert',
    body: (label, opensOn) => `Vos questionnaires « ${label} » ne sont pas encore ouverts : ils ouvriront le ${opensOn}. Nous vous écrirons alors, et ce même lien fonctionnera.`,
  },
  completed: {
    title: 'Merci',
    body: (label, study) => `Vos questionnaires « ${label} » pour ${study} sont remplis. Il n’y a plus rien à faire : vous pouvez fermer cette page.`,
  },
  submitted: {
    title: 'Merci',
    body: (label, study) => `Vos réponses « ${label} » pour ${study} ont été envoyées. Vous pouvez fermer cette page.`,
  },
  queued: {
    title: 'Vos réponses seront envoyées dès le retour de la connexion',
    body: 'Vous êtes hors ligne. Vos réponses sont gardées sur cet appareil et seront envoyées dès que la connexion reviendra. Merci de garder cette page ouverte jusqu’à la page de remerciement.',
  },
  expired: {
    title: 'Ces questionnaires sont fermés',
    body: (label) => `Le délai pour remplir vos questionnaires « ${label} » est dépassé : il n’est plus possible d’y répondre.`,
  },
  withdrawn: {
    title: 'Votre participation est terminée',
    body: 'Il n’y a plus rien à remplir. Merci pour votre temps.',
  },
  textMissing: {
    title: 'Ces questionnaires ne sont pas encore prêts',
    body: 'Certains questionnaires de cette étude sont sous licence et leur texte n’a pas encore été installé sur ce site : ils ne peuvent pas être affichés. L’équipe de l’étude doit l’installer. Rien n’est perdu : revenez à ce lien plus tard.',
  },
  untranslated: (names) =>
    names.length === 1
      ? `Le questionnaire ${names[0]} n’existe pas en français : il s’affiche en anglais.`
      : `Ces questionnaires n’existent pas en français et s’affichent en anglais : ${names.join(', ')}.`,
  support: { heading: 'Si vous avez besoin d’aide maintenant' },
  unsubscribe: {
    loading: 'Chargement…',
    notFound: { title: 'Ce lien n’est pas valide', body: 'Vérifiez que vous avez copié le lien entier depuis votre e-mail.' },
    failed: { title: 'Un problème est survenu', body: 'Vérifiez votre connexion et rechargez cette page.' },
    revoked: {
      title: 'Ce lien ne fonctionne plus',
      body: (study) => `Ce lien${study ? ` de ${study}` : ''} a été remplacé par un lien plus récent, ou fermé. Pour ne plus recevoir de messages, utilisez le lien en bas du message le plus récent.`,
    },
    done: {
      title: 'Vous ne recevrez plus d’e-mails de cette étude',
      body: (study) => `${study} ne vous écrira plus. Les questionnaires déjà reçus restent ouverts : leurs liens fonctionnent toujours.`,
    },
    ask: {
      title: 'Ne plus recevoir les e-mails de cette étude ?',
      body: (study) => `Vous ne recevrez plus d’invitations ni de rappels de ${study}. Cela ne vous retire pas de l’étude.`,
      button: 'Arrêter les e-mails',
    },
  },
  formatDate: dateFormatter('fr'),
};

const dictionaries: Record<PageLanguage, PageStrings> = { en, fr };

/** The API's language for this participant when it has one, else the browser's (before the link has loaded). */
export function pickLanguage(fromApi: string | undefined | null): PageLanguage {
  const wanted = (fromApi ?? navigator.language ?? 'en').slice(0, 2).toLowerCase();
  return wanted === 'fr' ? 'fr' : 'en';
}

export const stringsFor = (language: PageLanguage): PageStrings => dictionaries[language];

/** `<html lang>` follows the page's language, so screen readers pronounce it right. */
export function applyLanguage(language: PageLanguage): void {
  document.documentElement.lang = language;
}
