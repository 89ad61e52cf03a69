import { createContext, useContext } from 'react';
import type { Me, StudySummary } from './types';

export interface Session {
  me: Me;
  /** Studies this member may open (all of them for admins); undefined while loading. */
  studies: StudySummary[] | undefined;
  studiesError: unknown;
  reloadStudies: () => void;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside the signed-in console');
  return session;
}
