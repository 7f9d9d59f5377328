// Counts with their noun: "1 file", "1,204 files" (en-US digit grouping, the app's one locale).
const nf = new Intl.NumberFormat('en-US');

/** A count as digits ("1,204"). */
export const formatCount = (n: number): string => nf.format(n);

/** "1 file", "3 files", "2 entries" (pass `many` when adding an s is wrong). */
export const plural = (n: number, one: string, many = one + 's'): string => `${nf.format(n)} ${n === 1 ? one : many}`;

/** A share as a percentage: "12.5 %", with two decimals under 1 % so a small non-zero share never reads "0.0 %". */
export const formatPercent = (share: number): string => `${(share * 100).toFixed(share && Math.abs(share) < 0.01 ? 2 : 1)} %`;
