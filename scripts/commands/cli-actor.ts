import { userInfo } from 'node:os';

/** Who the audit trail records for a command run from this machine: the operating-system user. */
export function cliActor(): `system:${string}` {
  try {
    return `system:cli:${userInfo().username}`;
  } catch {
    return 'system:cli';
  }
}
