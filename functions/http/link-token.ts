import type { Context } from 'hono';
import { LINK_TOKEN_HEADER } from '../core/auth/link-token';

export { LINK_TOKEN_HEADER };

/** The token a request carries in the link header (functions/core/auth/link-token.ts); '' when absent, which no token matches. */
export const linkTokenOf = (c: Context): string => c.req.header(LINK_TOKEN_HEADER)?.trim() ?? '';
