import { z } from 'zod';
import { characterBookSchema } from '../cast/lorebook';

export { characterBookSchema, lorebookEntrySchema, type CharacterBook, type LorebookEntry } from '../cast/lorebook';

/**
 * The community card formats (character-card-spec V1, V2 `chara_card_v2`, V3 `chara_card_v3`, and a standalone
 * `lorebook_v3`), as zod 4 `looseObject`s: fields we do not know survive validation untouched, which is what
 * keeps an import-export round trip lossless. These validate the *normalised* card (cardNormalize.ts has
 * already coerced the quirks); they are deliberately no stricter than the specs.
 */

const extensions = z.record(z.string(), z.unknown());

/** The six fields of a V1 card, which V2/V3 keep in `data` (and writers often mirror at the top level). */
export const V1_FIELDS = ['name', 'description', 'personality', 'scenario', 'first_mes', 'mes_example'] as const;

const v1Shape = {
  name: z.string(),
  description: z.string(),
  personality: z.string(),
  scenario: z.string(),
  first_mes: z.string(),
  mes_example: z.string(),
};

/** A V1 card as its spec defines it (the normaliser fills fields real V1 files leave out). */
export const cardV1Schema = z.looseObject(v1Shape);

const v2DataShape = {
  ...v1Shape,
  creator_notes: z.string(),
  system_prompt: z.string(),
  post_history_instructions: z.string(),
  alternate_greetings: z.array(z.string()),
  character_book: characterBookSchema.optional(),
  tags: z.array(z.string()),
  creator: z.string(),
  character_version: z.string(),
  extensions,
};

export const cardV2Schema = z.looseObject({
  spec: z.literal('chara_card_v2'),
  spec_version: z.string(),
  data: z.looseObject(v2DataShape),
});

/** A V3 asset: `uri` is `embeded://path` (in a CHARX), `ccdefault:` (the PNG itself), `data:` or a URL. */
export const cardAssetSchema = z.looseObject({ type: z.string(), uri: z.string(), name: z.string(), ext: z.string() });
export type CardAsset = z.infer<typeof cardAssetSchema>;

export const cardDataV3Schema = z.looseObject({
  ...v2DataShape,
  group_only_greetings: z.array(z.string()),
  assets: z.array(cardAssetSchema).optional(),
  nickname: z.string().optional(),
  creator_notes_multilingual: z.record(z.string(), z.string()).optional(),
  source: z.array(z.string()).optional(),
  creation_date: z.number().optional(),
  modification_date: z.number().optional(),
});
export type CardDataV3 = z.infer<typeof cardDataV3Schema>;

export const cardV3Schema = z.looseObject({
  spec: z.literal('chara_card_v3'),
  spec_version: z.string(),
  data: cardDataV3Schema,
});
export type CardV3 = z.infer<typeof cardV3Schema>;

export const lorebookV3Schema = z.looseObject({
  spec: z.literal('lorebook_v3'),
  data: characterBookSchema,
});

/** The extension key under which Dialogue Panel keeps what a card has no field for (glyph, colour, tagline, id). */
export const PANEL_EXTENSION = 'dialogue_panel';

export const panelExtensionSchema = z.looseObject({
  id: z.string().optional(),
  glyph: z.string().optional(),
  color: z.string().optional(),
  tagline: z.string().optional(),
  /** Set by export when it added the main icon asset only to carry the avatar: import removes it again. */
  added_icon: z.enum(['new-list', 'prepended']).optional(),
  /** Set by JSON export when it put the avatar in the main icon as a data: URI: the icon's own URI, restored on import. */
  icon_uri: z.string().optional(),
  /** Set by PNG export when the image is a generated glyph tile, not an avatar: import does not keep it. */
  generated_image: z.literal(true).optional(),
});
export type PanelExtension = z.infer<typeof panelExtensionSchema>;
