/** One member the parser may meet: the id it records and the display name a model may use instead. */
export interface RosterEntry { id: string; name: string }
/** Who may speak this turn; ids are lowercase [a-z0-9-]. */
export interface ParserRoster { present: RosterEntry[]; retired: RosterEntry[] }

/** How a `who=` value was read. `id` is always a roster id when present. */
export type SpeakerMatch =
  | { id: string; via: 'id' | 'name' | 'sole-member' }
  | { id: null; problem: 'unknown-speaker' | 'retired-speaker' | 'missing-speaker' };

/** Lowercase, accents folded, whitespace collapsed: "  Tomás  REYES" -> "tomas reyes". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

const slug = (folded: string): string => folded.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** One way of recognising a member, from most to least certain. */
type Tier = (entry: RosterEntry, who: string) => boolean;

const TIERS: readonly Tier[] = [
  (e, who) => e.id.toLowerCase() === who,
  (e, who) => fold(e.name) === who,
  (e, who) => slug(who) !== '' && (slug(who) === e.id.toLowerCase() || slug(who) === slug(fold(e.name))),
  (e, who) => fold(e.name).split(' ')[0] === who,
];

/** Reads a `who=` value against the roster; a value that fits several members equally well matches none. */
export function createSpeakerMatcher(roster: ParserRoster): (who: string | undefined) => SpeakerMatch {
  return (rawWho) => {
    // Models sometimes write who="@mara" or curly-quote the value; neither is a different person.
    const who = fold((rawWho ?? '').replace(/^[\s"'“”‘’@]+|[\s"'“”‘’]+$/g, ''));
    if (who === '') {
      const sole = roster.present.length === 1 ? roster.present[0] : undefined;
      return sole ? { id: sole.id, via: 'sole-member' } : { id: null, problem: 'missing-speaker' };
    }
    for (const [rank, tier] of TIERS.entries()) {
      const present = roster.present.filter((e) => tier(e, who));
      if (present.length === 1) return { id: present[0]!.id, via: rank === 0 ? 'id' : 'name' };
      if (present.length > 1) return { id: null, problem: 'unknown-speaker' };
      if (roster.retired.some((e) => tier(e, who))) return { id: null, problem: 'retired-speaker' };
    }
    return { id: null, problem: 'unknown-speaker' };
  };
}
