import * as z from 'zod';
import { languages } from './language';

/**
 * A participant language in a request or a study's definition. Apart from the list of languages
 * (language.ts), which a participant's link reads, so that reading it loads no zod.
 */
export const languageSchema = z.enum(languages);
