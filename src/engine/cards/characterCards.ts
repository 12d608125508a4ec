/**
 * The cards room: community character cards (PNG `tEXt` chunks `ccv3`/`chara`, JSON V1/V2/V3 and standalone
 * `lorebook_v3`, CHARX archives) read into `characters/<id>.md` files and written back out, losslessly; and the
 * lorebook and macro rules the megaprompt applies to card characters.
 *
 * It owns: the PNG chunk walker (pngChunks), the card schemas (cardSchemas), the quirk normaliser
 * (cardNormalize), CHARX with its bomb limits (charxArchive), the card <-> file mapping (cardMapping), the
 * generated avatar (glyphImage), reading (cardFile), and import and export (cardImport, cardExport).
 *
 * It may import: node built-ins, zod, fflate, the cast room and the store (the session schema's id rules, the
 * atomic write). The character file's card layout, the lorebook and the macros belong to the cast room
 * (cast/cardSections, cast/lorebook, cast/cardMacros, cast/cardProfile): a card-shaped file is a character
 * file, and the loader must read it without importing this room. Nothing here knows about sessions, the model
 * or VS Code. docs/character-cards.md documents the mapping and every normalisation.
 */
export { CardError } from './cardError';
export { CARD_FILE_LIMITS, readCardFile } from './cardFile';
export { CHARX_LIMITS } from './charxArchive';
export { exportCard, readCharacterCard, type CardFormat, type ExportResult } from './cardExport';
export { CARD_PATHS, importCards, type ImportOptions, type ImportResult } from './cardImport';
