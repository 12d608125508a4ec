/**
 * The card macros, resolved only in the text sent to the model (files and exported cards keep them as
 * written): `{{char}}` / `<BOT>` is the member's name, `{{user}}` / `<USER>` is "the floor" (the researcher's
 * role in the panel), and a `<START>` line, which separates example conversations, becomes a plain marker so it
 * is not mistaken for a tag of the wire format. Matching is case-insensitive, as in the tools that write cards.
 */
export const FLOOR_NAME = 'the floor';

export function resolveMacros(text: string, charName: string): string {
  return text
    .replace(/\{\{char\}\}|<bot>/gi, () => charName)
    .replace(/\{\{user\}\}|<user>/gi, FLOOR_NAME)
    .replace(/^[ \t]*<start>[ \t]*$/gim, '(example conversation)');
}
