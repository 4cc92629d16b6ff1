// The page's DOM helper, and how it writes numbers.

/** The element with id `id` (the page has every id the scripts ask for). */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A count as the page writes numbers: 60,000. */
export const count = (n: number) => n.toLocaleString('en-US');
