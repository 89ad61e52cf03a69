import type { PageLanguage } from './strings';

/** Wording of the consent, withdrawal and self-enrolment screens, per language. */
export interface EnrolmentStrings {
  consent: {
    title: (study: string) => string;
    intro: string;
    version: (version: string) => string;
    textLabel: string;
    nameLabel: string;
    nameHint: string;
    agree: string;
    submit: string;
    sending: string;
    nameMissing: string;
    agreeMissing: string;
    changed: string;
    failed: string;
  };
  withdraw: {
    open: string;
    title: string;
    body: string;
    reasonLabel: string;
    confirm: string;
    cancel: string;
    done: { title: string; body: string };
    failed: string;
  };
  join: {
    loading: string;
    notFound: { title: string; body: string };
    intro: (study: string) => string;
    screenerHeading: string;
    next: string;
    ineligible: { title: string; body: (study: string) => string };
    emailHeading: string;
    emailIntro: string;
    emailLabel: string;
    emailInvalid: string;
    send: string;
    sent: { title: string; body: string };
    tooMany: string;
    failed: string;
    verifying: string;
    expired: { title: string; body: string };
    badLink: { title: string; body: string };
    alreadyEnrolled: { title: string; body: string };
    enrolled: { title: string; body: (study: string) => string; opensOn: (when: string) => string; start: string };
  };
}

const en: EnrolmentStrings = {
  consent: {
    title: (study) => `Taking part in ${study}`,
    intro: 'Before you answer, please read the information below. If you agree to take part, type your full name and tick the box: this is your signature.',
    version: (version) => `Consent form, version ${version}`,
    textLabel: 'Information and consent',
    nameLabel: 'Your full name',
    nameHint: 'Typing your name here counts as signing this form. You will be emailed a copy.',
    agree: 'I have read the information above, I have had the chance to ask questions, and I agree to take part.',
    submit: 'I agree to take part',
    sending: 'Recording your consent…',
    nameMissing: 'Please type your full name.',
    agreeMissing: 'Please tick the box to confirm that you agree.',
    changed: 'The study has just updated this form. Please read the new version below.',
    failed: 'Your consent could not be recorded just now. Please try again.',
  },
  withdraw: {
    open: 'I do not want to take part (any more)',
    title: 'Withdraw from the study?',
    body: 'You can stop at any time, without giving a reason. We will not send you any more emails, and questionnaires not yet answered will be closed. What you have already answered is kept, as the information sheet explains.',
    reasonLabel: 'If you wish, tell us why (optional)',
    confirm: 'Withdraw from the study',
    cancel: 'Cancel',
    done: { title: 'You have withdrawn from the study', body: 'You will get no more emails from this study. Thank you for your time.' },
    failed: 'Your withdrawal could not be recorded just now. Please try again, or contact the study team.',
  },
  join: {
    loading: 'Loading…',
    notFound: { title: 'This study is not open to sign-ups', body: 'Please check the link. The study may have stopped recruiting.' },
    intro: (study) => `Thank you for your interest in ${study}. A few questions first, to check that the study is right for you.`,
    screenerHeading: 'Can you take part?',
    next: 'Continue',
    ineligible: {
      title: 'Thank you for your interest',
      body: (study) => `From your answers, ${study} is not the right study for you at the moment. This is not a judgement about you: studies have to include people in a narrow situation. We have not kept your answers.`,
    },
    emailHeading: 'You can take part',
    emailIntro: 'We will email you a link to confirm your address. It is how we will send you your questionnaires.',
    emailLabel: 'Your email address',
    emailInvalid: 'Please enter a valid email address.',
    send: 'Email me the link',
    sent: { title: 'Check your email', body: 'If you can take part, an email is on its way with a link to continue. It works for 24 hours. If nothing arrives in a few minutes, check your spam folder.' },
    tooMany: 'Too many attempts from your connection. Please try again in an hour.',
    failed: 'Something went wrong. Please check your connection and try again.',
    verifying: 'Checking your link…',
    expired: { title: 'This link has expired', body: 'Links work for 24 hours. Please start again from the study’s page.' },
    badLink: { title: 'This link is not valid', body: 'Please check that you opened the whole link from the email.' },
    alreadyEnrolled: { title: 'You are already taking part', body: 'This link has been used. Your questionnaires are emailed to you when they are due: use the link in the latest email.' },
    enrolled: {
      title: 'Welcome to the study',
      body: (study) => `You are now taking part in ${study}. Thank you! A copy of your consent is on its way by email.`,
      opensOn: (when) => `Your first questionnaires open on ${when}: we will email you then.`,
      start: 'Start my first questionnaires',
    },
  },
};

const fr: EnrolmentStrings = {
  consent: {
    title: (study) => `Participer à ${study}`,
    intro: 'Avant de répondre, lisez les informations ci-dessous. Si vous acceptez de participer, saisissez votre nom complet et cochez la case : cela vaut signature.',
    version: (version) => `Formulaire de consentement, version ${version}`,
    textLabel: 'Information et consentement',
    nameLabel: 'Votre nom complet',
    nameHint: 'Saisir votre nom ici vaut signature de ce formulaire. Vous en recevrez une copie par e-mail.',
    agree: 'J’ai lu les informations ci-dessus, j’ai pu poser mes questions et j’accepte de participer.',
    submit: 'J’accepte de participer',
    sending: 'Enregistrement de votre consentement…',
    nameMissing: 'Veuillez saisir votre nom complet.',
    agreeMissing: 'Veuillez cocher la case pour confirmer votre accord.',
    changed: 'L’étude vient de mettre à jour ce formulaire. Veuillez lire la nouvelle version ci-dessous.',
    failed: 'Votre consentement n’a pas pu être enregistré pour l’instant. Veuillez réessayer.',
  },
  withdraw: {
    open: 'Je ne souhaite pas (ou plus) participer',
    title: 'Vous retirer de l’étude ?',
    body: 'Vous pouvez arrêter à tout moment, sans vous justifier. Nous ne vous enverrons plus d’e-mails et les questionnaires non remplis seront fermés. Ce que vous avez déjà répondu est conservé, comme l’explique la note d’information.',
    reasonLabel: 'Si vous le souhaitez, dites-nous pourquoi (facultatif)',
    confirm: 'Me retirer de l’étude',
    cancel: 'Annuler',
    done: { title: 'Vous vous êtes retiré·e de l’étude', body: 'Vous ne recevrez plus d’e-mails de cette étude. Merci pour votre temps.' },
    failed: 'Votre retrait n’a pas pu être enregistré pour l’instant. Réessayez, ou contactez l’équipe de l’étude.',
  },
  join: {
    loading: 'Chargement…',
    notFound: { title: 'Cette étude n’est pas ouverte aux inscriptions', body: 'Vérifiez le lien. L’étude a peut-être terminé son recrutement.' },
    intro: (study) => `Merci de votre intérêt pour ${study}. Quelques questions d’abord, pour vérifier que l’étude vous convient.`,
    screenerHeading: 'Pouvez-vous participer ?',
    next: 'Continuer',
    ineligible: {
      title: 'Merci de votre intérêt',
      body: (study) => `D’après vos réponses, ${study} ne correspond pas à votre situation pour le moment. Ce n’est pas un jugement sur vous : une étude doit inclure des personnes dans une situation précise. Nous n’avons pas conservé vos réponses.`,
    },
    emailHeading: 'Vous pouvez participer',
    emailIntro: 'Nous allons vous envoyer un lien pour confirmer votre adresse. C’est par e-mail que vous recevrez vos questionnaires.',
    emailLabel: 'Votre adresse e-mail',
    emailInvalid: 'Veuillez saisir une adresse e-mail valide.',
    send: 'M’envoyer le lien',
    sent: { title: 'Consultez vos e-mails', body: 'Si vous pouvez participer, un e-mail vous a été envoyé avec un lien pour continuer. Il fonctionne pendant 24 heures. Si rien n’arrive d’ici quelques minutes, regardez dans vos indésirables.' },
    tooMany: 'Trop de tentatives depuis votre connexion. Réessayez dans une heure.',
    failed: 'Un problème est survenu. Vérifiez votre connexion et réessayez.',
    verifying: 'Vérification de votre lien…',
    expired: { title: 'Ce lien a expiré', body: 'Les liens fonctionnent 24 heures. Recommencez depuis la page de l’étude.' },
    badLink: { title: 'Ce lien n’est pas valide', body: 'Vérifiez que vous avez ouvert le lien entier depuis l’e-mail.' },
    alreadyEnrolled: { title: 'Vous participez déjà', body: 'Ce lien a déjà servi. Vos questionnaires vous sont envoyés par e-mail : utilisez le lien du dernier message reçu.' },
    enrolled: {
      title: 'Bienvenue dans l’étude',
      body: (study) => `Vous participez désormais à ${study}. Merci ! Une copie de votre consentement vous a été envoyée par e-mail.`,
      opensOn: (when) => `Vos premiers questionnaires ouvriront le ${when} : nous vous écrirons à ce moment-là.`,
      start: 'Commencer mes premiers questionnaires',
    },
  },
};

export const enrolmentStrings = (language: PageLanguage): EnrolmentStrings => (language === 'fr' ? fr : en);
