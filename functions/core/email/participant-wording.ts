import type { Language } from '../i18n/language';

/** The wording of participant emails, per language. Placeholders: {study}, {timepoint}, {closes}, {name}, {email}. */
export const participantWording: Record<Language, {
  invitationSubject: string;
  reminderSubject: string;
  resendSuffix: string;
  /** In a resend: the earlier links no longer work. */
  replaces: string;
  invitationIntro: string;
  reminderIntro: string;
  deadline: string;
  personal: string;
  open: string;
  button: string;
  questions: string;
  questionsNoContact: string;
  crisis: string;
  unsubscribe: string;
  unsubscribeLink: string;
  /** Before the subject of every email to a test participant. */
  testSubject: string;
  /** The first paragraph of every email to a test participant. */
  testNotice: string;
}> = {
  en: {
    invitationSubject: '{study}: your {timepoint} questionnaires',
    reminderSubject: 'Reminder — {study}: your {timepoint} questionnaires',
    resendSuffix: ' (your link again)',
    replaces: 'This link replaces the ones we sent you before: they no longer work.',
    invitationIntro: 'Thank you for taking part in {study}. Your {timepoint} questionnaires are ready.',
    reminderIntro: 'This is a reminder that your {timepoint} questionnaires for {study} are still waiting for you.',
    deadline: 'Please complete them by {closes}. Your answers are saved as you go, so you can stop and come back using the same link.',
    personal: 'This link is personal to you: please do not forward this email.',
    open: 'Open your questionnaires:',
    button: 'Open my questionnaires',
    questions: 'Questions? Contact {name} at {email}.',
    questionsNoContact: 'Questions? Reply to this email.',
    crisis: 'If you are in crisis or worried about your safety, contact your local emergency services now.',
    unsubscribe: 'To stop receiving emails from this study:',
    unsubscribeLink: 'Stop receiving emails from this study',
    testSubject: '[TEST] ',
    testNotice: 'This is a test: you are enrolled in {study} as a test participant, so your answers are kept out of the study’s results.',
  },
  fr: {
    invitationSubject: '{study} : vos questionnaires ({timepoint})',
    reminderSubject: 'Rappel — {study} : vos questionnaires ({timepoint})',
    resendSuffix: ' (votre lien, à nouveau)',
    replaces: 'Ce lien remplace ceux que nous vous avons envoyés auparavant : ils ne fonctionnent plus.',
    invitationIntro: 'Merci de participer à {study}. Vos questionnaires ({timepoint}) sont prêts.',
    reminderIntro: 'Petit rappel : vos questionnaires ({timepoint}) pour {study} vous attendent toujours.',
    deadline: 'Merci de les remplir avant le {closes}. Vos réponses sont enregistrées au fur et à mesure : vous pouvez vous arrêter et revenir avec le même lien.',
    personal: 'Ce lien vous est personnel : merci de ne pas transférer ce message.',
    open: 'Ouvrir vos questionnaires :',
    button: 'Ouvrir mes questionnaires',
    questions: 'Des questions ? Contactez {name} à l’adresse {email}.',
    questionsNoContact: 'Des questions ? Répondez à ce message.',
    crisis: 'Si vous êtes en détresse ou inquiet pour votre sécurité, contactez immédiatement les services d’urgence.',
    unsubscribe: 'Pour ne plus recevoir de messages de cette étude :',
    unsubscribeLink: 'Ne plus recevoir de messages de cette étude',
    testSubject: '[TEST] ',
    testNotice: 'Ceci est un test : vous êtes inscrit à {study} comme participant de test, vos réponses sont donc exclues des résultats de l’étude.',
  },
};
