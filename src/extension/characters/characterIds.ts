// The id rules are the engine's (card import names characters too); the extension uses the same ones.
export { characterIdFromName, uniqueCharacterId } from '../../engine/cast/characterIds';
