import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { characterIdFromName } from '../cast/characterIds';
import { parseCharacterFile } from '../cast/characters';
import { characterIdSchema } from '../store/sessionSchema';
import { writeFileAtomic } from '../store/sessionFiles';
import { CardError } from './cardError';
import { readCardFile, type AvatarImage } from './cardFile';
import { cardToFile } from './cardMapping';
import { renderCardFile } from '../cast/cardSections';
import { PANEL_EXTENSION, type CardV3, type CharacterBook } from './cardSchemas';
import { isSafeEntryPath } from './charxArchive';
import { readCharacterCard } from './cardExport';

/** Where a character's card files live under the characters folder (one constant, so nothing else guesses). */
export const CARD_PATHS = {
  avatars: 'avatars',
  assets: 'assets',
  markdown: (id: string) => `${id}.md`,
} as const;

/** One file to write, prepared in memory so a batch with any bad card writes nothing. */
interface PlannedWrite {
  file: string;
  data: string | Uint8Array;
}

/** What one imported card became; `file` is the character file written. */
export interface ImportResult {
  id: string;
  file: string;
  source: string;
  warnings: string[];
}

export interface ImportOptions {
  /** Overwrite a character that exists (its avatar and assets too). */
  replace?: boolean;
  /** For a standalone lorebook: the character whose `character_book` it becomes. */
  into?: string;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

function idFor(card: CardV3): string {
  const own = (card.data.extensions[PANEL_EXTENSION] as { id?: unknown } | undefined)?.id;
  if (typeof own === 'string' && characterIdSchema.safeParse(own).success && own !== 'human') return own;
  const id = characterIdFromName(card.data.name);
  if (!id) throw new CardError('no-name', `the card's name "${card.data.name}" has no letters or digits to make a file name from`);
  return id;
}

/** The writes for one card: avatar and assets first, the character file last (it is what makes the character exist). */
function planCard(charactersDir: string, source: string, card: CardV3, avatar: AvatarImage | null, assets: ReadonlyMap<string, Uint8Array>): { id: string; writes: PlannedWrite[]; warnings: string[] } {
  const id = idFor(card);
  const writes: PlannedWrite[] = [];
  const warnings: string[] = [];
  const avatarRel = avatar ? `${CARD_PATHS.avatars}/${id}.${avatar.ext}` : undefined;
  if (avatar && avatarRel) writes.push({ file: path.join(charactersDir, ...avatarRel.split('/')), data: avatar.bytes });
  for (const [entry, bytes] of assets) {
    if (!isSafeEntryPath(entry)) {
      warnings.push(`skipped archive entry "${entry}": not a safe relative path`);
      continue;
    }
    writes.push({ file: path.join(charactersDir, CARD_PATHS.assets, id, ...entry.split('/')), data: bytes });
  }
  const markdown = renderCardFile(cardToFile(card, id, avatarRel));
  const file = path.join(charactersDir, CARD_PATHS.markdown(id));
  // The file must load as a character: the loader is the judge, so an import never leaves a broken file.
  const loaded = parseCharacterFile(file, markdown);
  if (!loaded.ok) throw new CardError('invalid', `${path.basename(source)}: ${loaded.problems[0]!.message}`);
  writes.push({ file, data: markdown });
  return { id, writes, warnings };
}

async function planLorebook(charactersDir: string, source: string, book: CharacterBook, o: ImportOptions): Promise<{ id: string; writes: PlannedWrite[]; warnings: string[] }> {
  if (!o.into) throw new CardError('bad-input', `${path.basename(source)} is a standalone lorebook: say which character it belongs to with --into ID`);
  const current = await readCharacterCard(charactersDir, o.into);
  if (current.card.data.character_book && !o.replace) {
    throw new CardError('exists', `${o.into} already has a lorebook: use --replace to replace it`);
  }
  const card: CardV3 = { ...current.card, data: { ...current.card.data, character_book: book } };
  const markdown = renderCardFile(cardToFile(card, o.into, current.avatarRel));
  const file = path.join(charactersDir, CARD_PATHS.markdown(o.into));
  const loaded = parseCharacterFile(file, markdown);
  if (!loaded.ok) throw new CardError('invalid', `${path.basename(source)}: ${loaded.problems[0]!.message}`);
  return { id: o.into, writes: [{ file, data: markdown }], warnings: [] };
}

/**
 * Imports card files into `charactersDir`: every file is read and checked first, and only when all are good is
 * anything written (each file atomically). A second card with the same id, or an existing id without
 * `replace`, is refused. Returns one result per source, in order.
 */
export async function importCards(sources: readonly string[], charactersDir: string, o: ImportOptions = {}): Promise<ImportResult[]> {
  if (sources.length === 0) throw new CardError('bad-input', 'name at least one card file');
  const planned: Array<ImportResult & { writes: PlannedWrite[]; clear: string | null }> = [];
  for (const source of sources) {
    const read = await readCardFile(source).catch((err: unknown) => {
      throw err instanceof CardError ? new CardError(err.code, `${path.basename(source)}: ${err.message}`) : err;
    });
    const plan = read.kind === 'lorebook' ? await planLorebook(charactersDir, source, read.book, o) : planCard(charactersDir, source, read.normal.card, read.avatar, read.assets);
    const file = path.join(charactersDir, CARD_PATHS.markdown(plan.id));
    if (planned.some((p) => p.id === plan.id)) throw new CardError('exists', `${path.basename(source)}: two of the cards are both "${plan.id}"`);
    if (read.kind === 'card' && !o.replace && (await exists(file))) {
      throw new CardError('exists', `${path.basename(source)}: character "${plan.id}" already exists (${file}): use --replace to overwrite it`);
    }
    planned.push({ id: plan.id, file, source, warnings: plan.warnings, writes: plan.writes, clear: read.kind === 'card' ? path.join(charactersDir, CARD_PATHS.assets, plan.id) : null });
  }
  for (const p of planned) {
    // A replaced character's old assets go, so the folder holds exactly what its card names.
    if (p.clear && o.replace) await fs.rm(p.clear, { recursive: true, force: true });
    for (const w of p.writes) {
      await fs.mkdir(path.dirname(w.file), { recursive: true });
      await writeFileAtomic(w.file, w.data);
    }
  }
  return planned.map(({ id, file, source, warnings }) => ({ id, file, source, warnings }));
}
