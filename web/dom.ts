// The page's one DOM helper.

/** The element with id `id` (the page has every id the scripts ask for). */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
