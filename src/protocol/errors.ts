/**
 * Error codes the lab server sends in `error` messages. The code is stable (the pane may branch on it);
 * the message and hint are French sentences the pane shows as they are (with textContent).
 */

export interface ErrorText {
  readonly message: string;
  readonly hint?: string;
}

export const ERRORS = {
  // Frames that cannot become a message.
  BAD_JSON: { message: 'Message illisible : ce n’est pas du JSON UTF-8 valide.' },
  BAD_MESSAGE: { message: 'Message mal formé.' },
  UNKNOWN_TYPE: { message: 'Type de message inconnu.' },
  TOO_LARGE: { message: 'Message trop long.' },
  BINARY_NOT_ACCEPTED: { message: 'Le serveur n’accepte pas de trame binaire du navigateur.' },
  // Conversation order and rates.
  HELLO_REQUIRED: { message: 'Le premier message doit être « hello ».' },
  VERSION_MISMATCH: {
    message: 'Version du protocole incompatible avec le serveur.',
    hint: 'Rechargez la page : le diaporama et le serveur de labs ne sont pas de la même version.',
  },
  RATE_LIMITED: { message: 'Trop de messages : connexion fermée.' },
  ATTACH_RATE_LIMITED: {
    message: 'Trop de demandes d’ouverture du terminal en peu de temps : celle-ci est ignorée.',
    hint: 'Patientez quelques secondes, puis rechargez la page.',
  },
  INPUT_RATE_LIMITED: { message: 'Saisie trop rapide : une partie a été ignorée.' },
  // Labs and sessions.
  UNKNOWN_LAB: { message: 'Lab inconnu.' },
  LAB_TOOL_MISSING: { message: 'Un outil du lab manque.', hint: 'lancez npm run setup' },
  LAB_NOT_READY: { message: 'Ce lab n’est pas prêt.' },
  LAB_START_FAILED: {
    message: 'Le shell du lab n’a pas pu démarrer.',
    // The usual cause in a class: the student's account is still at its process cap (a fork bomb whose
    // processes are being ended), which clears by itself within seconds.
    hint: 'Attendez quelques secondes, puis « Redémarrer le lab » (↺).',
  },
  LAB_SETUP_FAILED: {
    message: 'La préparation du lab a échoué : son message est dans le terminal.',
    hint: 'Corrigez (souvent : sudo npm run setup), puis « Redémarrer le lab ».',
  },
  SESSION_NOT_FOUND: {
    message: 'Ce lab n’est pas encore ouvert par le présentateur.',
    hint: 'Le terminal apparaîtra de lui-même dès que le présentateur l’ouvrira.',
  },
  LAB_CLEANUP_FAILED: {
    message: 'L’ancien dossier du lab n’a pas pu être effacé.',
    hint: 'Le lab continue dans un dossier neuf ; l’ancien reste sur le serveur (voir son journal).',
  },
  SESSION_LIMIT: { message: 'Trop de sessions de lab ouvertes sur ce serveur.' },
  CLIENT_LIMIT: { message: 'Trop de connexions sur ce serveur.' },
  CHANNEL_LIMIT: { message: 'Trop de terminaux ouverts dans cette page.' },
  CHANNEL_IN_USE: { message: 'Ce canal est déjà attaché à un lab.' },
  UNKNOWN_CHANNEL: { message: 'Aucun lab attaché sur ce canal.' },
  NOT_WRITER: { message: 'Seul le présentateur qui a la main peut faire cela.' },
  READ_ONLY: { message: 'Terminal en lecture seule : la saisie est ignorée.' },
  AUDIENCE_FOLLOWS: {
    message: 'Le public suit le diaporama : seul le présentateur change la diapositive de la salle.',
  },
  UNKNOWN_COMMAND: { message: 'Commande inconnue pour ce lab.' },
  SESSION_EXITED: {
    message: 'Le shell du lab est terminé.',
    hint: 'Redémarrez le lab pour retrouver un shell.',
  },
  // The hands-on class (classroom.ts).
  NOT_HANDS_ON: {
    message: 'Ce serveur ne propose pas de labs personnels.',
    hint: 'Le présentateur les active en lançant le serveur avec --hands-on.',
  },
  NAME_INVALID: { message: 'Nom refusé.' },
  NAME_TAKEN: {
    message: 'Ce nom est déjà pris dans la classe.',
    hint: 'Ajoutez l’initiale de votre nom, ou un chiffre.',
  },
  CLASS_FULL: {
    message: 'La classe est complète.',
    hint: 'Suivez le présentateur, ou demandez-lui d’augmenter --max-students.',
  },
  ROOM_FORBIDDEN: { message: 'Ce terminal n’est pas le vôtre.' },
  PRESENTER_ONLY: { message: 'Seul le présentateur peut faire cela.' },
  LAB_PREPARING: {
    message: 'Préparation de votre lab…',
    hint: 'Le terminal s’ouvrira de lui-même dans quelques secondes.',
  },
  LAB_PROVISION_FAILED: { message: 'Votre lab personnel n’a pas pu être préparé.' },
  STUDENT_SESSION_LIMIT: {
    message: 'Vous avez déjà trop de labs ouverts.',
    hint: 'Fermez un onglet ou redémarrez un lab.',
  },
  VM_LIMIT: {
    message: 'Trop de VM en marche dans la classe.',
    hint: 'Arrêtez votre VM précédente (Ctrl-A X, ou virsh destroy), ou attendez qu’un autre élève arrête la sienne.',
  },
  UNKNOWN_EXERCISE: { message: 'Exercice inconnu pour ce lab.' },
  VERIFY_BUSY: { message: 'Vérification déjà en cours.', hint: 'Attendez son résultat.' },
  CLASS_ENDED: { message: 'La classe est terminée : vos labs ont été effacés.' },
  SHUTTING_DOWN: { message: 'Le serveur de labs s’arrête.' },
  INTERNAL: { message: 'Erreur interne du serveur de labs.' },
} as const satisfies Record<string, ErrorText>;

export type ErrorCode = keyof typeof ERRORS;

/** What an `error` message carries besides its type and channel. */
export interface ErrorValue {
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string;
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERRORS, value);
}

/**
 * The error value for a code, with its standard French text, optionally made precise: a detail is
 * appended to the message ("Lab inconnu : foo"), or message/hint replaced entirely.
 */
export function errorValue(
  code: ErrorCode,
  details: { readonly detail?: string; readonly message?: string; readonly hint?: string } = {},
): ErrorValue {
  const base: ErrorText = ERRORS[code];
  let message = details.message ?? base.message;
  if (details.detail !== undefined) message = `${message.replace(/\.$/, '')} : ${details.detail}`;
  const hint = details.hint ?? base.hint;
  return hint === undefined ? { code, message } : { code, message, hint };
}
