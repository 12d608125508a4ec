/**
 * The cards room: community character cards (PNG `tEXt` chunks `ccv3`/`chara`, JSON V1/V2/V3 and standalone
 * `lorebook_v3`, CHARX archives) read into `characters/<id>.md` files and written back out, losslessly; and the
 * lorebook and macro rules the megaprompt applies to card characters.
 *
 * It owns: the PNG chunk walker (pngChunks), the card schemas (cardSchemas), the quirk normaliser
 * (cardNormalize), CHARX with its bomb limits (charxArchive), the card <-> file mapping (cardMapping,
 * cardMarkdown), the generated avatar (glyphImage), reading (cardFile), import and export (cardImport,
 * cardExport), and the prompt-time rules (cardMacros, lorebook, cardCharacter).
 *
 * It may import: node built-ins, zod, fflate, the cast room (characters, characterIds), the session schema (for
 * id rules) and the store's atomic write. Nothing here knows about sessions, the model or VS Code; the turn
 * runner asks `lorebook` which entries a turn recalls, and the character loader asks `cardCharacter` what a
 * card file's materials are. docs/character-cards.md documents the mapping and every normalisation.
 */
export { CardError } from './cardError';
export { CARD_FILE_LIMITS, readCardFile } from './cardFile';
export { CHARX_LIMITS } from './charxArchive';
export { exportCard, readCharacterCard, type CardFormat, type ExportResult } from './cardExport';
export { CARD_PATHS, importCards, type ImportOptions, type ImportResult } from './cardImport';
