// The shape of a user code, shared by the device grant (which draws codes) and the settings (which derive the
// live-code cap from how many codes there are).

/** 20 consonants: no vowels (no words), no look-alikes of digits. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
/**
 * 20^12 ≈ 2^51.9 codes: with every guessing budget spent against every live code, the odds of a hit stay near
 * RFC 8628's 2^-32 per code lifetime (README "The guessing arithmetic"; tests/unit/code-guessing.test.ts).
 */
export const USER_CODE_LENGTH = 12;
export const USER_CODE_SPACE = USER_CODE_ALPHABET.length ** USER_CODE_LENGTH;
/** RFC 8628 §5.1: the chance that guessing hits any live code within one code lifetime stays below this. */
const GUESS_ODDS_TARGET = 2 ** -32;

/**
 * How many codes may be pending at once so that every wrong entry the service allows (the global budget in
 * each window one code lifetime touches) hits any of them with odds ≤ GUESS_ODDS_TARGET. A longer code
 * (a bigger space) or a smaller budget allows more.
 */
export function liveCodeCapFor(space: number, globalFailuresPerWindow: number, codeTtlSeconds: number, windowSeconds: number): number {
  const windows = Math.ceil(codeTtlSeconds / windowSeconds) + 1;
  return Math.max(1, Math.floor((GUESS_ODDS_TARGET * space) / (globalFailuresPerWindow * windows)));
}
