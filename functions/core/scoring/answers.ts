/**
 * A participant's answers by item id: the code as answered (a number, or text for free-text
 * items), or null for an item left unanswered. Scoring consumes them and instances store them.
 */
export type Answers = Record<string, number | string | null>;
