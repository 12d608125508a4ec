import { characterIdSchema, HUMAN_ID } from '../store/sessionSchema';

/**
 * Character ids from display names, for `dialogue.newCharacter` and `import-card`. The id is the file name
 * (`characters/<id>.md`), so it must be a valid file name on Windows, macOS and Linux alike and match
 * `characterIdSchema`.
 */

// Windows refuses these as file names whatever the extension (`con.md` cannot be created).
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
const MAX_ID = 64;

/** A valid id derived from `name`, or '' when the name has nothing usable (e.g. only punctuation). */
export function characterIdFromName(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .toLowerCase();
  let id = ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_ID)
    .replace(/-+$/, '');
  if (!id) return '';
  if (WINDOWS_RESERVED.test(id) || id === HUMAN_ID) id = `${id}-1`;
  return characterIdSchema.safeParse(id).success ? id : '';
}

/** `base`, or `base-2`, `base-3`, ... : the first one `taken` says is free. */
export function uniqueCharacterId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = `${base.slice(0, MAX_ID - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken(id)) return id;
  }
}
