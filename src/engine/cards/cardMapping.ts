import { colorFromId } from '../cast/characters';
import { CardError } from './cardError';
import { clashesWithHeadings, TEXT_SECTIONS, type CardBody, type CardFileContent, type CardFrontMatter } from '../cast/cardSections';
import { cardV3Schema, PANEL_EXTENSION, panelExtensionSchema, type CardAsset, type CardV3, type PanelExtension } from './cardSchemas';

/**
 * The field mapping between a V3 card and a character file (docs/character-cards.md has the table). Import and
 * export are inverses: `fileToCard(cardToFile(c))` is `c` plus Dialogue Panel's own extension, and
 * `cardToFile(fileToCard(f))` is `f`.
 */

type Obj = Record<string, unknown>;

/** The roster one-liner for a card that never had one: the first line of the creator's notes, plain. */
function taglineFrom(notes: string): string | undefined {
  const line = notes
    .split('\n')
    .map((l) => l.replace(/<[^>]*>/g, '').replace(/[*_#>`~[\]]/g, '').trim())
    .find((l) => l.length > 0);
  if (!line) return undefined;
  return line.length <= 120 ? line : `${line.slice(0, 119).trimEnd()}…`;
}

/** The V3 asset that is the card's avatar (type icon, name main), per the V3 spec. */
export function isMainIcon(a: CardAsset): boolean {
  return a.type === 'icon' && a.name === 'main';
}

/** The file content for a normalised card; `avatar` is set when the importer wrote an avatar image. */
export function cardToFile(card: CardV3, id: string, avatar?: string): CardFileContent {
  const { spec, spec_version, data: cardData, ...envelope } = card;
  const data: Obj = { ...cardData, extensions: { ...cardData.extensions } };
  const ext = data.extensions as Obj;
  const parsed = panelExtensionSchema.safeParse(ext[PANEL_EXTENSION]);
  const panel: PanelExtension = parsed.success ? parsed.data : {};
  if (parsed.success) delete ext[PANEL_EXTENSION];
  if (panel.icon_uri && Array.isArray(data.assets)) {
    data.assets = (data.assets as CardAsset[]).map((a) => (isMainIcon(a) && a.uri.startsWith('data:') ? { ...a, uri: panel.icon_uri! } : a));
  }
  if (panel.added_icon && Array.isArray(data.assets)) {
    const assets = [...(data.assets as CardAsset[])];
    const at = assets.findIndex(isMainIcon);
    if (at >= 0) assets.splice(at, 1);
    if (panel.added_icon === 'new-list' && assets.length === 0) delete data.assets;
    else data.assets = assets;
  }

  const name = cardData.name.trim();
  delete data.name;
  const front: CardFrontMatter = {
    name,
    glyph: panel.glyph || Array.from(name)[0]!.toUpperCase(),
    color: panel.color || colorFromId(id),
  };
  const tagline = panel.tagline !== undefined ? panel.tagline : taglineFrom(cardData.creator_notes);
  if (tagline) front.tagline = tagline;
  if (avatar) front.avatar = avatar;

  const text: CardFileContent['text'] = {};
  for (const { field } of TEXT_SECTIONS) {
    const value = cardData[field];
    if (clashesWithHeadings(value)) continue; // stays in the JSON block, exactly as it was
    text[field] = value;
    delete data[field];
  }
  const lists: Pick<CardFileContent, 'alternates' | 'groups'> = {};
  for (const [field, key] of [['alternate_greetings', 'alternates'], ['group_only_greetings', 'groups']] as const) {
    const value = cardData[field];
    if (value.some(clashesWithHeadings)) continue;
    lists[key] = value;
    delete data[field];
  }
  return { front, text, ...lists, rest: { spec, spec_version, data, ...envelope } };
}

/** The V3 card a character file describes: its JSON block, with the sections and front matter laid over it. */
export function fileToCard(id: string, front: CardFrontMatter, body: CardBody | null, profile: string): CardV3 {
  const rest = body?.rest ?? {};
  const data: Obj = typeof rest.data === 'object' && rest.data !== null ? { ...(rest.data as Obj) } : {};
  data.name = front.name;
  if (body === null) {
    // A hand-written character: its whole profile is the description.
    data.description = profile;
  }
  for (const { field } of TEXT_SECTIONS) {
    const section = body?.text[field];
    if (section !== undefined) data[field] = section;
    else if (typeof data[field] !== 'string') data[field] = '';
  }
  data.alternate_greetings = body?.alternates ?? data.alternate_greetings ?? [];
  data.group_only_greetings = body?.groups ?? data.group_only_greetings ?? [];
  for (const k of ['creator_notes', 'system_prompt', 'post_history_instructions', 'creator', 'character_version'] as const) data[k] ??= '';
  data.tags ??= [];
  const panel: PanelExtension = { id, glyph: front.glyph, color: front.color, tagline: front.tagline ?? '' };
  data.extensions = { ...(typeof data.extensions === 'object' && data.extensions !== null ? (data.extensions as Obj) : {}), [PANEL_EXTENSION]: panel };
  const r = cardV3Schema.safeParse({ ...rest, spec: 'chara_card_v3', spec_version: '3.0', data });
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new CardError('invalid', `the character file's card data is not a valid card: ${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}
